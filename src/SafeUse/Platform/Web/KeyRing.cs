using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Web;

/// <summary>
/// The data-protection key ring that signs session cookies and antiforgery tokens: kept in an owner-only folder
/// beside the database, and encrypted at rest with a certificate when the trust gives one.
/// </summary>
internal static partial class KeyRing
{
    public const string CertificateKey = "SafeUse:KeyRing:Certificate";
    public const string PasswordKey = "SafeUse:KeyRing:CertificatePassword";

    // The framework warns on every new key that it is stored unencrypted; without a certificate that is the
    // documented choice (the folder is the owner's alone), said once at start instead (LogUnencrypted).
    private const string KeyManagerCategory = "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager";

    public static string AddKeyRing(this WebApplicationBuilder builder, string dataDirectory)
    {
        var folder = Path.Combine(Path.GetFullPath(dataDirectory), "keys");
        DatabaseOptions.CreateOwnerOnlyFolder(folder);
        var protection = builder.Services.AddDataProtection().SetApplicationName("SafeUse").PersistKeysToFileSystem(new DirectoryInfo(folder));
        var path = builder.Configuration[CertificateKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            builder.Logging.AddFilter(KeyManagerCategory, LogLevel.Error);
            return folder;
        }

        protection.ProtectKeysWithCertificate(Load(path, builder.Configuration[PasswordKey]));
        return folder;
    }

    public static void ReportKeyRing(this WebApplication app, string folder)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SafeUse.KeyRing");
        if (string.IsNullOrWhiteSpace(app.Configuration[CertificateKey]))
        {
            LogUnencrypted(logger, folder, CertificateKey);
        }
        else
        {
            LogEncrypted(logger, folder);
        }
    }

    internal static X509Certificate2 Load(string path, string? password)
    {
        string Problem(string what) => $"{CertificateKey}: {what}";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            var why = File.Exists(path) ? "it is not a PKCS#12 (.pfx) file this password opens" : "no such file";
            throw new OptionsValidationException(CertificateKey, typeof(string), [Problem($"cannot read '{path}': {why}")]);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new OptionsValidationException(CertificateKey, typeof(string), [Problem($"'{path}' holds no private key, so it cannot decrypt the key ring")]);
        }

        return certificate;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session keys are kept in {Folder}, readable only by this account and not encrypted; set {Setting} to a .pfx certificate to encrypt them")]
    private static partial void LogUnencrypted(ILogger logger, string folder, string setting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session keys are kept in {Folder}, encrypted with the configured certificate")]
    private static partial void LogEncrypted(ILogger logger, string folder);
}
