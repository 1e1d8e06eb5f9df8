using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Outbox;

/// <summary>
/// Delivers outbox emails over SMTP with MailKit. Each email is leased before sending so two senders never send it
/// together, marked sent afterwards, and retried with exponential backoff after a failure. Every message carries a
/// Message-ID derived from its outbox id, so in the rare case of a crash between sending and recording, a receiving
/// server sees the same message again rather than a new one.
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
            var failure = await TrySendAsync(email, ct);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            if (failure is null)
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
                // A configuration problem is not the email's fault: it waits (an hour apart at most) until an
                // administrator fixes the settings, instead of running out of attempts.
                var failed = failure.Kind == SmtpFailureKind.Permanent
                    || (failure.Kind == SmtpFailureKind.Transient && attempts >= options.Value.MaxAttempts);
                var next = now + Backoff(attempts);
                var error = failure.ForAdministrators;
                await db.Outbox.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, failed ? OutboxStatus.Failed : OutboxStatus.Pending)
                    .SetProperty(e => e.NextAttemptAt, next).SetProperty(e => e.LeasedUntil, (DateTime?)null)
                    .SetProperty(e => e.LastError, error), ct);
                if (failure.Kind == SmtpFailureKind.Configuration)
                {
                    LogConfigurationProblem(logger, email.Id, failure.Summary);
                }
                else
                {
                    LogFailed(logger, email.Id, attempts, failure.Kind, failure.Summary, failed);
                }
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

    private async Task<SmtpFailure?> TrySendAsync(OutboxEmail email, CancellationToken ct)
    {
        var o = options.Value;
        SmtpCertificatePolicy certificates;
        try
        {
            certificates = new SmtpCertificatePolicy(o);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return new(SmtpFailureKind.Configuration, $"Smtp:TrustedCertificate cannot be read from '{o.TrustedCertificate}': {ex.Message}");
        }

        using var client = new SmtpClient();
        try
        {
            using var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(o.From));
            message.To.Add(MailboxAddress.Parse(email.ToAddress));
            message.Subject = email.Subject;
            message.MessageId = $"outbox-{email.Id}@safeuse";
            message.Date = time.GetUtcNow();
            message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = email.Body };

            client.Timeout = (int)o.Timeout.TotalMilliseconds;
            client.ServerCertificateValidationCallback = certificates.Validate;
            await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Smtp:Host is not set"), o.Port, SocketOptions(o.SecurityMode), ct);
            if (!string.IsNullOrEmpty(o.Username))
            {
                await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
            }

            await client.SendAsync(message, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && SmtpFailure.Classify(ex, o, certificates.LastRefusal) is { } failure)
        {
            return failure;
        }

        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The server has accepted the message; a failed QUIT must not send it again.
        }

        return null;
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security)),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP is not configured: emails stay in the outbox")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox email {Id} sent")]
    private static partial void LogSent(ILogger logger, long id);

    // The summary is SafeUse's own words, never the server's reply, which may quote the recipient's address.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox email {Id} failed on attempt {Attempt} ({Kind}): {Summary}; given up: {GivenUp}")]
    private static partial void LogFailed(ILogger logger, long id, int attempt, SmtpFailureKind kind, string summary, bool givenUp);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMTP settings need an administrator: {Summary}; outbox email {Id} waits and will be retried")]
    private static partial void LogConfigurationProblem(ILogger logger, long id, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox sender loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception ex);
}
