using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Audit;

/// <summary>
/// Once a day, emails the chain's newest event number and hash to the DPO and the trust's administrators. The email
/// is the anchor outside the database: `audit verify --expect-head N:HASH` later proves nothing up to it changed.
/// </summary>
internal sealed class AuditHeadMail(AppDbContext db, AuditTrail audit, Outbox.Outbox outbox, TimeProvider time, IOptions<SignOffOptions> signOff)
{
    public const string Action = "audit.head-emailed";

    /// <summary>Sends today's email unless it was sent already; returns how many people it went to (0 when none).</summary>
    public async Task<int> SendIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // The day's mark is a one-time key, so two web servers (or a retry) can never both send it.
        var mark = "audit-head:" + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (await db.IdempotencyKeys.AnyAsync(k => k.Key == mark, ct))
        {
            return 0;
        }

        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Seq).Select(e => new { e.Seq, e.Hash, e.At }).FirstOrDefaultAsync(ct);
        if (head is null)
        {
            return 0;
        }

        var recipients = await db.People.AsNoTracking()
            .Where(p => !p.IsLeaver && p.Email != null
                && db.RoleAssignments.Any(r => r.PersonId == p.Id && (r.Role == Role.Dpo || (r.Role == Role.Administrator && r.SchoolId == null))))
            .OrderBy(p => p.Id).Select(p => p.Email!).ToListAsync(ct);
        recipients = recipients.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0)
        {
            return 0;
        }

        var anchor = new AuditHead(head.Seq, head.Hash);
        var day = now.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"));
        // Only the chain's number and hash: no names, no event content, nothing personal.
        var body = $"""
            This email records the SafeUse audit trail as it stood on {day} at {now:HH:mm} UTC. Keep it: it is evidence held
            outside SafeUse's database that no audit event up to this one has been changed or removed since.

            Newest event: {head.Seq}
            Hash: {head.Hash}

            To check the audit trail against this email, run on the SafeUse server:

                safeuse audit verify --expect-head {anchor}

            or add the line {anchor} to a file of saved heads and run: safeuse audit verify --heads FILE

            SafeUse: {signOff.Value.PublicUrl}
            """;
        foreach (var to in recipients)
        {
            outbox.Enqueue(db, to, $"SafeUse audit trail head for {day}", body);
        }

        db.IdempotencyKeys.Add(new IdempotencyKey { Key = mark, CreatedAt = now });
        audit.Record(db, Actor.System, Action, "audit-head", head.Seq,
            $"Emailed the audit trail's head (event {head.Seq}) to {recipients.Count} people (DPO and trust administrators)",
            after: new { Seq = head.Seq, head.Hash, Recipients = recipients.Count });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // Another server sent today's email between our check and this write; this one sends nothing.
            db.ChangeTracker.Clear();
            return 0;
        }

        return recipients.Count;
    }
}

/// <summary>Checks every hour, in the web app, whether today's head email is due.</summary>
internal sealed partial class AuditHeadClock(IServiceScopeFactory scopes, IConfiguration configuration, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditHeadClock> logger)
    : BackgroundService
{
    // A few minutes' grace after start-up lets the database migrate first; the hour between checks is precise
    // enough for a once-a-day email and cheap (one indexed lookup when today's email is sent).
    private static readonly TimeSpan FirstCheck = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // It is part of the clock the web app runs (SafeUse:RunScheduler), and can be turned off alone.
        if (!configuration.GetValue("SafeUse:RunScheduler", true) || !options.Value.AuditHeadEmail)
        {
            return;
        }

        var delay = FirstCheck;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(delay, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            delay = Interval;
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var sent = await scope.ServiceProvider.GetRequiredService<AuditHeadMail>().SendIfDueAsync(stoppingToken);
                if (sent > 0)
                {
                    LogSent(logger, sent);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emailed the audit trail's head to {Count} people")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit head email failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
