using System.Text.Json;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Audit;

/// <summary>Who is acting: a signed-in person, or the system itself (CLI, background jobs).</summary>
internal sealed record Actor(long? PersonId, string Name)
{
    public static readonly Actor System = new(null, "SafeUse (system)");
}

internal sealed class AuditTrail(TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    // Events are tracked before their place in the chain is known; a unique negative placeholder keeps several
    // events in one unit of work apart until SaveChanges gives them their real numbers.
    private static long placeholder;

    /// <summary>Adds the event to the context: it is written by the same SaveChanges, in the same transaction, as the change.</summary>
    public AuditEvent Record(AppDbContext db, Actor actor, string action, string entityType, object? entityId, string summary,
        object? before = null, object? after = null, long? schoolId = null)
    {
        var e = new AuditEvent
        {
            Seq = Interlocked.Decrement(ref placeholder),
            At = AuditChain.TruncateToMicroseconds(time.GetUtcNow().UtcDateTime),
            ActorPersonId = actor.PersonId,
            ActorName = actor.Name,
            Action = action,
            EntityType = entityType,
            EntityId = entityId?.ToString(),
            SchoolId = schoolId,
            Summary = summary,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };
        db.AuditEvents.Add(e);
        return e;
    }
}
