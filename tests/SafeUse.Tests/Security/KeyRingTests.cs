using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Security;

/// <summary>The key ring that signs sessions is encrypted at rest when the trust gives a certificate, and a bad one stops the start.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class KeyRingTests
{
    private static string NewCertificate(string dir, string password, bool withPrivateKey = true)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=SafeUse key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var path = Path.Combine(dir, withPrivateKey ? "keyring.pfx" : "public.pfx");
        File.WriteAllBytes(path, withPrivateKey
            ? certificate.Export(X509ContentType.Pfx, password)
            : X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)).Export(X509ContentType.Pfx, password));
        return path;
    }

    private static async Task<string> KeyFileAfterSignInAsync(TestDatabase db, Dictionary<string, string?> settings)
    {
        await using var app = new AppFactory(db, settings: settings);
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Amy", "Admin", (SafeUse.Features.People.Role.Administrator, null));
        }

        (await app.Browse().SignInAsync("amy.admin@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Amy");
        var key = Directory.GetFiles(Path.Combine(db.DataDirectory, "keys"), "key-*.xml").ShouldHaveSingleItem();
        return await File.ReadAllTextAsync(key);
    }

    [Theory, BothDatabases]
    internal async Task With_a_certificate_the_session_key_is_stored_encrypted_and_sign_in_works(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        Directory.CreateDirectory(db.DataDirectory);
        var pfx = NewCertificate(db.DataDirectory, "s3cret-pfx");
        var xml = await KeyFileAfterSignInAsync(db, new() { ["SafeUse:KeyRing:Certificate"] = pfx, ["SafeUse:KeyRing:CertificatePassword"] = "s3cret-pfx" });
        xml.ShouldContain("encryptedSecret");
        xml.ShouldNotContain("<masterKey");
    }

    [Theory, BothDatabases]
    internal async Task Without_one_the_key_sits_in_a_folder_only_its_owner_can_open(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var xml = await KeyFileAfterSignInAsync(db, []);
        xml.ShouldContain("<masterKey");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(db.DataDirectory, "keys")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_read_or_has_no_private_key_stops_serve_with_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("safeuse-keyring-").FullName;
        var good = NewCertificate(dir, "right");
        var publicOnly = NewCertificate(dir, "right", withPrivateKey: false);
        foreach (var (path, password, expected) in new[]
        {
            (Path.Combine(dir, "missing.pfx"), "right", "no such file"),
            (good, "wrong", "it is not a PKCS#12 (.pfx) file this password opens"),
            (publicOnly, "right", "holds no private key"),
        })
        {
            Environment.SetEnvironmentVariable("SAFEUSE_SafeUse__KeyRing__Certificate", path);
            Environment.SetEnvironmentVariable("SAFEUSE_SafeUse__KeyRing__CertificatePassword", password);
            try
            {
                var (exit, error) = await CapturedCli.RunPairAsync("serve", "--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(dir, "data"));
                exit.ShouldBe(2, error);
                error.ShouldContain("SafeUse:KeyRing:Certificate");
                error.ShouldContain(expected);
                error.ShouldNotContain("   at ");
            }
            finally
            {
                Environment.SetEnvironmentVariable("SAFEUSE_SafeUse__KeyRing__Certificate", null);
                Environment.SetEnvironmentVariable("SAFEUSE_SafeUse__KeyRing__CertificatePassword", null);
            }
        }
    }
}
