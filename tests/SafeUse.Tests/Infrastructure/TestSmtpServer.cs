using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MimeKit;
using Xunit;

namespace SafeUse.Tests.Infrastructure;

internal enum SmtpServerMode
{
    /// <summary>STARTTLS required before MAIL and AUTH, as on a submission port (587).</summary>
    StartTls,

    /// <summary>Implicit TLS from the first byte (SMTPS, 465).</summary>
    Smtps,
}

/// <summary>
/// A real SMTP server on loopback: aiosmtpd (Debian's python3-aiosmtpd) run by smtp_server.py, with TLS from a
/// self-signed certificate the test makes, and AUTH for one user. It writes each accepted message to a folder that
/// <see cref="Messages"/> reads; it can refuse the first N messages with a temporary failure (451), and refuse a
/// recipient permanently (550).
/// </summary>
internal sealed class TestSmtpServer : IAsyncDisposable
{
    public const string User = "safeuse-mailer";
    public const string Password = "correct horse battery staple";

    private static readonly Lazy<string?> Missing = new(FindMissing);
    private readonly Process process;
    private readonly string folder;

    private TestSmtpServer(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Debian's Python, where python3-aiosmtpd installs, even when another python3 comes first on PATH.</summary>
    public static string Python => Environment.GetEnvironmentVariable("SAFEUSE_TEST_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Why the server cannot run here, or null when it can.</summary>
    public static string? Unavailable => Missing.Value;

    public static async Task<TestSmtpServer> StartAsync(TestCertificate certificate, SmtpServerMode mode = SmtpServerMode.StartTls,
        int refuseFirst = 0, string? rejectRecipient = null, int port = 0)
    {
        if (Unavailable is { } why)
        {
            throw new InvalidOperationException(why);
        }

        var folder = Directory.CreateTempSubdirectory("safeuse-smtp-").FullName;
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Infrastructure", "smtp_server.py"), "--dir", folder,
                     "--cert", certificate.CertificatePath, "--key", certificate.KeyPath, "--mode", mode == SmtpServerMode.Smtps ? "smtps" : "starttls",
                     "--user", User, "--password", Password, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--refuse-first", refuseFirst.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (rejectRecipient is not null)
        {
            start.ArgumentList.Add("--reject-recipient");
            start.ArgumentList.Add(rejectRecipient);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
        // Drained all along so aiosmtpd's warnings (a refused TLS handshake logs a traceback) never fill the pipe.
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (errors)
            {
                throw new InvalidOperationException($"the test SMTP server did not start: {line} {errors}");
            }
        }

        return new TestSmtpServer(process, folder, int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A loopback port nothing listens on (for a server that is down).</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public IReadOnlyList<ReceivedEmail> Messages => Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
        .Select(f => JsonSerializer.Deserialize<ReceivedEmail>(File.ReadAllText(f), JsonOptions)!).ToList();

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private static string? FindMissing()
    {
        try
        {
            using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false });
            check!.WaitForExit(30_000);
            return check.ExitCode == 0 ? null : $"{Python} cannot import aiosmtpd: install Debian's python3-aiosmtpd (or set SAFEUSE_TEST_PYTHON) to run this test.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{Python} is not installed: install python3-aiosmtpd to run this test.";
        }
    }
}

/// <summary>What the server received: the envelope, whether it came over TLS and signed in, and the raw message.</summary>
internal sealed record ReceivedEmail(string MailFrom, List<string> RcptTos, bool Tls, string? AuthUser, string Data)
{
    public MimeMessage ToMimeMessage() => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Data)));
}

/// <summary>
/// A self-signed certificate for localhost and 127.0.0.1 (or only for <c>onlyName</c>), written as PEM files for the
/// server and the sender.
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly string folder;

    public TestCertificate(string? onlyName = null)
    {
        folder = Directory.CreateTempSubdirectory("safeuse-cert-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (onlyName is not null)
        {
            names.AddDnsName(onlyName);
        }
        else
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CertificatePath = Path.Combine(folder, "cert.pem");
        KeyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        Sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    public string CertificatePath { get; }
    public string KeyPath { get; }
    public string Sha256 { get; }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>
/// A theory that needs the test SMTP server: skipped with the reason when aiosmtpd is missing, and run (so it fails)
/// under SAFEUSE_REQUIRE_ALL=1.
/// </summary>
public sealed class SmtpTheoryAttribute : TheoryAttribute
{
    public SmtpTheoryAttribute()
    {
        if (!TestEnvironment.RequireAll && TestSmtpServer.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
