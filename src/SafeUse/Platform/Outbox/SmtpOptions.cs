using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SafeUse.Platform.Outbox;

/// <summary>How the connection to the SMTP server is protected.</summary>
internal enum SmtpSecurity
{
    /// <summary>Plain text: only for a relay on the same host or a trusted network, and never with a password.</summary>
    None,

    /// <summary>Connect in plain text, then STARTTLS before anything else; refuse a server that does not offer it.</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, plain text otherwise (open to downgrade, so never with a password).</summary>
    StartTlsWhenAvailable,

    /// <summary>Implicit TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,
}

internal sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>Empty means no delivery: emails stay in the outbox for administrators to read.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// One of <see cref="SmtpSecurity"/>'s names. A string rather than the enum so a mistyped value is reported with the
    /// valid names at startup, not as the configuration binder's conversion error.
    /// </summary>
    public string Security { get; set; } = nameof(SmtpSecurity.StartTls);

    public string? Username { get; set; }

    /// <summary>From configuration or the environment (SAFEUSE_Smtp__Password) only; never logged or shown.</summary>
    public string? Password { get; set; }

    public string From { get; set; } = "safeuse@localhost";

    /// <summary>For connecting and for each command; MailKit's own default is two minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A certificate file (PEM or DER) trusted for the SMTP server besides the system's certificate authorities: the
    /// server's own self-signed certificate, or the private CA that issued it. The host name must still match.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    /// <summary>The SHA-256 fingerprint (hex, colons allowed) of the server's certificate, trusted as it is.</summary>
    public string? TrustedCertificateSha256 { get; set; }

    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often the sender looks for due emails.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Replaced by <see cref="Security"/>; kept only so a configuration that still sets it is told so at startup.</summary>
    public string? UseTls { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public SmtpSecurity SecurityMode => ParseSecurity(Security) ?? throw new OptionsValidationException(Section, typeof(SmtpOptions), [SmtpOptionsValidator.SecurityProblem(Security)]);

    public static SmtpSecurity? ParseSecurity(string? value) =>
        Enum.GetValues<SmtpSecurity>().Select(s => (SmtpSecurity?)s).FirstOrDefault(s => string.Equals(s.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Checks the SMTP settings when SafeUse starts, naming each wrong key and what it should be.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public static string SecurityProblem(string? value) =>
        $"Smtp:Security is '{value}': use None, StartTls, StartTlsWhenAvailable or SslOnConnect";

    public ValidateOptionsResult Validate(string? name, SmtpOptions o)
    {
        var problems = new List<string>();
        if (o.UseTls is not null)
        {
            problems.Add("Smtp:UseTls is no longer read: remove it and set Smtp:Security to StartTls (port 587), SslOnConnect (port 465) or None");
        }

        if (!o.Enabled)
        {
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }

        if (o.Port is < 1 or > 65535)
        {
            problems.Add($"Smtp:Port is {o.Port}: use a TCP port from 1 to 65535 (587 for StartTls, 465 for SslOnConnect)");
        }

        var security = SmtpOptions.ParseSecurity(o.Security);
        if (security is null)
        {
            problems.Add(SecurityProblem(o.Security));
        }

        var hasUser = !string.IsNullOrEmpty(o.Username);
        var hasPassword = !string.IsNullOrEmpty(o.Password);
        if (hasPassword && !hasUser)
        {
            problems.Add("Smtp:Password is set but Smtp:Username is not: set both, or neither for a server that needs no sign-in");
        }
        else if (hasUser && !hasPassword)
        {
            problems.Add("Smtp:Username is set but Smtp:Password is not: set the password in configuration or SAFEUSE_Smtp__Password");
        }

        if (hasUser && security is SmtpSecurity.None or SmtpSecurity.StartTlsWhenAvailable)
        {
            problems.Add($"Smtp:Security is {security} with Smtp:Username: the password could cross the network unencrypted; use StartTls or SslOnConnect");
        }

        if (!MailboxAddress.TryParse(o.From, out _))
        {
            problems.Add($"Smtp:From is '{o.From}': use an email address, like safeuse@example.sch.uk");
        }

        if (o.Timeout <= TimeSpan.Zero || o.Timeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"Smtp:Timeout is {o.Timeout}: use a time from 00:00:01 to 00:10:00");
        }

        if (o.MaxAttempts < 1)
        {
            problems.Add($"Smtp:MaxAttempts is {o.MaxAttempts}: use 1 or more");
        }

        if (o.PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"Smtp:PollInterval is {o.PollInterval}: use a positive time, like 00:00:05");
        }

        if (!string.IsNullOrWhiteSpace(o.TrustedCertificate))
        {
            try
            {
                SmtpCertificatePolicy.LoadCertificates(o.TrustedCertificate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                problems.Add($"Smtp:TrustedCertificate cannot be read from '{o.TrustedCertificate}': {ex.Message}");
            }
        }

        if (!string.IsNullOrWhiteSpace(o.TrustedCertificateSha256) && SmtpCertificatePolicy.NormaliseFingerprint(o.TrustedCertificateSha256) is null)
        {
            problems.Add("Smtp:TrustedCertificateSha256 is not a SHA-256 fingerprint: use 64 hexadecimal digits (colons allowed), as `openssl x509 -noout -fingerprint -sha256` prints");
        }

        if (security is SmtpSecurity.None && (o.TrustedCertificate is { Length: > 0 } || o.TrustedCertificateSha256 is { Length: > 0 }))
        {
            problems.Add("Smtp:TrustedCertificate or Smtp:TrustedCertificateSha256 is set but Smtp:Security is None, so no certificate is ever checked");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal static class OutboxRegistration
{
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddSingleton<OutboxSender>();
        return services;
    }
}
