using SafeUse.Platform.Data;

namespace SafeUse.Platform.Outbox;

internal sealed class Outbox(TimeProvider time)
{
    /// <summary>Queues an email in the caller's unit of work, so it exists only if the action that caused it commits.</summary>
    public OutboxEmail Enqueue(AppDbContext db, string to, string subject, string body, bool sensitive = false)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var email = new OutboxEmail
        {
            CreatedAt = now,
            ToAddress = to,
            Subject = subject,
            Body = body,
            Sensitive = sensitive,
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
        };
        db.Outbox.Add(email);
        return email;
    }
}
