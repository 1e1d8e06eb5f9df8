using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SafeUse.Platform.Outbox;

internal enum SmtpFailureKind
{
    /// <summary>Worth trying again later: the server is down, busy or broke the connection.</summary>
    Transient,

    /// <summary>This email can never be delivered as it is (the server refused the recipient or the message).</summary>
    Permanent,

    /// <summary>SafeUse's SMTP settings are wrong (password, certificate, security mode, sender): an administrator must act.</summary>
    Configuration,
}

/// <summary>
/// Why a delivery failed. <see cref="Summary"/> is SafeUse's own words, with no recipient or message content, and is
/// what the log gets; <see cref="Reply"/> is the server's own words, which may quote the recipient, so it is kept only
/// beside the email (on the outbox page, which shows administrators the address anyway).
/// </summary>
internal sealed record SmtpFailure(SmtpFailureKind Kind, string Summary, string? Reply = null)
{
    public const string ConfigurationPrefix = "SMTP settings: ";

    public string ForAdministrators
    {
        get
        {
            var text = (Kind == SmtpFailureKind.Configuration ? ConfigurationPrefix : "") + Summary
                + (Reply is { Length: > 0 } ? $" (the server said: {Reply})" : "");
            return text.Length > 500 ? text[..500] : text;
        }
    }

    /// <summary>Null for exceptions that are not delivery failures (bugs), which the sender loop logs and survives.</summary>
    public static SmtpFailure? Classify(Exception ex, SmtpOptions o, string? certificateRefusal)
    {
        var server = $"{o.Host}:{o.Port}";
        return ex switch
        {
            AuthenticationException =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} refused the user name or password (Smtp:Username, Smtp:Password)"),
            SslHandshakeException when certificateRefusal is not null =>
                new(SmtpFailureKind.Configuration, $"TLS with {server} was refused because {certificateRefusal}"),
            SslHandshakeException =>
                new(SmtpFailureKind.Configuration, $"TLS with {server} failed: check Smtp:Security ({o.Security}) and Smtp:Port match the server (SslOnConnect for 465, StartTls for 587)"),
            NotSupportedException when o.SecurityMode == SmtpSecurity.StartTls && ex.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} does not offer STARTTLS, and Smtp:Security is StartTls"),
            NotSupportedException =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} does not support what the settings ask: {ex.Message}"),
            // MailKit's name for a 530 reply: STARTTLS or AUTH must come first.
            ServiceNotAuthenticatedException =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} requires STARTTLS or sign-in before it accepts mail: check Smtp:Security and Smtp:Username", ex.Message),
            SmtpCommandException command => FromCommand(command, server),
            SmtpProtocolException =>
                new(SmtpFailureKind.Transient, $"the SMTP server {server} broke the protocol or closed the connection", ex.Message),
            SocketException socket =>
                new(SmtpFailureKind.Transient, $"cannot connect to the SMTP server {server}: {socket.SocketErrorCode}"),
            IOException or TimeoutException or OperationCanceledException or ServiceNotConnectedException =>
                new(SmtpFailureKind.Transient, $"the connection to the SMTP server {server} failed or timed out after {o.Timeout.TotalSeconds:0} s"),
            ParseException =>
                new(SmtpFailureKind.Permanent, "the recipient address is not a valid email address"),
            _ => null,
        };
    }

    private static SmtpFailure FromCommand(SmtpCommandException ex, string server)
    {
        var code = (int)ex.StatusCode;
        var reply = $"{code} {ex.Message}";
        // 530 and 5.7.x are policy: STARTTLS or sign-in required, relaying refused. They are about how SafeUse
        // connects, not this email, so they wait for an administrator instead of being given up.
        var policy = code is 530 or 534 or 535 or 538 || ex.Message.StartsWith("5.7.", StringComparison.Ordinal);
        if (code is >= 400 and < 500)
        {
            return new(SmtpFailureKind.Transient, $"the SMTP server {server} asked to try again later ({code})", reply);
        }

        return ex.ErrorCode switch
        {
            _ when policy && ex.ErrorCode != SmtpErrorCode.MessageNotAccepted =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} refused to accept mail from SafeUse ({code}): check Smtp:Security, Smtp:Username and that the server relays for it", reply),
            SmtpErrorCode.SenderNotAccepted =>
                new(SmtpFailureKind.Configuration, $"the SMTP server {server} refused the sender address in Smtp:From ({code})", reply),
            SmtpErrorCode.RecipientNotAccepted =>
                new(SmtpFailureKind.Permanent, $"the SMTP server refused the recipient ({code})", reply),
            SmtpErrorCode.MessageNotAccepted =>
                new(SmtpFailureKind.Permanent, $"the SMTP server refused the message ({code})", reply),
            _ => new(SmtpFailureKind.Transient, $"the SMTP server {server} replied {code}", reply),
        };
    }
}
