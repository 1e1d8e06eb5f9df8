using System.Net;
using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Outbox;

internal sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>Empty means no delivery: emails stay in the outbox for administrators to read.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;
    public bool UseTls { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "safeuse@localhost";
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often the sender looks for due emails.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// Delivers outbox emails over SMTP. Each email is leased before sending so two senders never send it together,
/// marked sent afterwards, and retried with exponential backoff after a failure. Every message carries a Message-ID
/// derived from its outbox id, so in the rare case of a crash between sending and recording, a receiving server
/// sees the same message again rather than a new one.
/// </summary>
internal sealed partial class OutboxSender(IServiceScopeFactory scopes, IOptions<SmtpOptions> options, TimeProvider time, ILogger<OutboxSender> logger)
    : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Sends every email that is due now; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var delivered = 0;
        while (await LeaseNextAsync(ct) is { } email)
        {
            var error = await TrySendAsync(email, ct);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            if (error is null)
            {
                await db.Outbox.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, OutboxStatus.Sent).SetProperty(e => e.SentAt, now)
                    .SetProperty(e => e.LeasedUntil, (DateTime?)null).SetProperty(e => e.LastError, (string?)null), ct);
                delivered++;
                LogSent(logger, email.Id);
            }
            else
            {
                var attempts = email.Attempts;
                var failed = attempts >= options.Value.MaxAttempts;
                var next = now + Backoff(attempts);
                await db.Outbox.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, failed ? OutboxStatus.Failed : OutboxStatus.Pending)
                    .SetProperty(e => e.NextAttemptAt, next).SetProperty(e => e.LeasedUntil, (DateTime?)null)
                    .SetProperty(e => e.LastError, error), ct);
                LogFailed(logger, email.Id, attempts, error);
            }
        }

        return delivered;
    }

    /// <summary>Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... capped at 1 hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    private async Task<OutboxEmail?> LeaseNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        for (var tries = 0; tries < 5; tries++)
        {
            var candidate = await db.Outbox.AsNoTracking()
                .Where(e => e.Status == OutboxStatus.Pending && e.NextAttemptAt <= now && (e.LeasedUntil == null || e.LeasedUntil < now))
                .OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
            if (candidate is null)
            {
                return null;
            }

            // The conditional update is the lease: only one sender's update can match.
            var until = now + Lease;
            var won = await db.Outbox
                .Where(e => e.Id == candidate.Id && e.Status == OutboxStatus.Pending && (e.LeasedUntil == null || e.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeasedUntil, until).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
            if (won == 1)
            {
                candidate.Attempts++;
                return candidate;
            }
        }

        return null;
    }

    private async Task<string?> TrySendAsync(OutboxEmail email, CancellationToken ct)
    {
        var o = options.Value;
        try
        {
            using var client = new SmtpClient(o.Host, o.Port) { EnableSsl = o.UseTls, DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = 30_000 };
            if (!string.IsNullOrEmpty(o.UserName))
            {
                client.Credentials = new NetworkCredential(o.UserName, o.Password);
            }

            using var message = new MailMessage(o.From, email.ToAddress, email.Subject, email.Body);
            message.Headers.Add("Message-ID", $"<outbox-{email.Id}@safeuse>");
            await client.SendMailAsync(message, ct);
            return null;
        }
        catch (Exception ex) when (ex is SmtpException or IOException or InvalidOperationException or FormatException)
        {
            return ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP is not configured: emails stay in the outbox")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox email {Id} sent")]
    private static partial void LogSent(ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox email {Id} failed on attempt {Attempt}: {Error}")]
    private static partial void LogFailed(ILogger logger, long id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox sender loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception ex);
}
