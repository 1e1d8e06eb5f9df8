using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SafeUse.Platform.Outbox;

/// <summary>
/// Decides whether to trust the SMTP server's certificate: what the system trusts, plus (only when configured) one
/// certificate file or one SHA-256 fingerprint. The host name must match in every case. There is deliberately no
/// "accept any certificate" setting: a self-signed server is trusted by naming its certificate.
/// </summary>
internal sealed class SmtpCertificatePolicy
{
    private readonly X509Certificate2Collection trusted;
    private readonly string? fingerprint;

    public SmtpCertificatePolicy(SmtpOptions options)
    {
        trusted = string.IsNullOrWhiteSpace(options.TrustedCertificate) ? [] : LoadCertificates(options.TrustedCertificate);
        fingerprint = NormaliseFingerprint(options.TrustedCertificateSha256);
    }

    /// <summary>Why the last certificate was refused, in words for an administrator; null when none was.</summary>
    public string? LastRefusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        LastRefusal = Check(certificate, chain, errors);
        return LastRefusal is null;
    }

    private string? Check(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var described = $"{certificate.Subject}, SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"the server's certificate ({described}) is not issued for Smtp:Host";
        }

        if (fingerprint is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (trusted.Count > 0 && ChainsToTrusted(certificate, chain))
        {
            return null;
        }

        var statuses = chain is null ? "" : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        return $"the server's certificate ({described}) is not trusted ({statuses}): if this is the right server, set "
            + "Smtp:TrustedCertificate to its certificate or CA file, or Smtp:TrustedCertificateSha256 to its fingerprint";
    }

    private bool ChainsToTrusted(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        // A self-signed certificate or a school's private CA publishes no revocation list to check.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        if (File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            collection.ImportFromPemFile(path);
        }
        else
        {
            collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return collection.Count > 0 ? collection : throw new CryptographicException("the file holds no certificate");
    }

    public static string? NormaliseFingerprint(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var hex = value.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }
}
