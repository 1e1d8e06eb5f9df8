using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Outbox;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

public sealed class SmtpOptionsTests
{
    [Fact]
    public void Without_a_host_nothing_else_is_checked()
    {
        Problems(new SmtpOptions { Security = "whatever", Username = "u" }).ShouldBeEmpty();
    }

    [Fact]
    public void The_defaults_with_a_host_are_starttls_on_587_and_valid()
    {
        var options = new SmtpOptions { Host = "smtp.example.sch.uk" };

        options.Port.ShouldBe(587);
        options.SecurityMode.ShouldBe(SmtpSecurity.StartTls);
        Problems(options).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("None", SmtpSecurity.None)]
    [InlineData("starttls", SmtpSecurity.StartTls)]
    [InlineData("StartTlsWhenAvailable", SmtpSecurity.StartTlsWhenAvailable)]
    [InlineData(" SslOnConnect ", SmtpSecurity.SslOnConnect)]
    internal void Each_security_mode_is_read_by_name(string value, SmtpSecurity mode)
    {
        new SmtpOptions { Host = "smtp.test", Security = value }.SecurityMode.ShouldBe(mode);
    }

    [Theory]
    [InlineData("Tls")]
    [InlineData("1")]
    [InlineData("")]
    public void An_unknown_security_mode_is_named_with_the_valid_ones(string value)
    {
        Problems(new SmtpOptions { Host = "smtp.test", Security = value })
            .ShouldContain($"Smtp:Security is '{value}': use None, StartTls, StartTlsWhenAvailable or SslOnConnect");
    }

    [Theory]
    [InlineData("None")]
    [InlineData("StartTlsWhenAvailable")]
    public void A_password_is_never_allowed_over_a_connection_that_may_be_plain(string security)
    {
        Problems(new SmtpOptions { Host = "smtp.test", Security = security, Username = "mailer", Password = "secret" })
            .ShouldHaveSingleItem().ShouldContain("the password could cross the network unencrypted");
    }

    [Fact]
    public void A_user_without_a_password_and_a_password_without_a_user_are_each_explained()
    {
        Problems(new SmtpOptions { Host = "smtp.test", Username = "mailer" }).ShouldHaveSingleItem().ShouldContain("SAFEUSE_Smtp__Password");
        Problems(new SmtpOptions { Host = "smtp.test", Password = "secret" }).ShouldHaveSingleItem().ShouldStartWith("Smtp:Password is set but Smtp:Username is not");
    }

    [Fact]
    public void The_password_is_never_repeated_in_a_problem()
    {
        var problems = Problems(new SmtpOptions { Host = "smtp.test", Security = "None", Username = "mailer", Password = "hunter2-very-secret", Port = 0 });

        problems.Count.ShouldBe(2);
        problems.ShouldAllBe(p => !p.Contains("hunter2"));
    }

    [Fact]
    public void The_old_UseTls_setting_is_refused_with_what_replaces_it()
    {
        Problems(new SmtpOptions { UseTls = "false" }).ShouldHaveSingleItem().ShouldContain("set Smtp:Security");
    }

    [Fact]
    public void Bad_port_sender_timeout_and_fingerprint_are_named()
    {
        var problems = Problems(new SmtpOptions
        {
            Host = "smtp.test", Port = 70000, From = "not an address", Timeout = TimeSpan.Zero, TrustedCertificateSha256 = "ab:cd",
        });

        problems.ShouldContain(p => p.StartsWith("Smtp:Port is 70000", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Smtp:From is 'not an address'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Smtp:Timeout", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Smtp:TrustedCertificateSha256", StringComparison.Ordinal));
    }

    [Fact]
    public void A_trusted_certificate_file_that_cannot_be_read_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("n"), "smtp.pem");
        Problems(new SmtpOptions { Host = "smtp.test", TrustedCertificate = missing })
            .ShouldHaveSingleItem().ShouldStartWith($"Smtp:TrustedCertificate cannot be read from '{missing}'");

        var notACertificate = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notACertificate, "hello");
            Problems(new SmtpOptions { Host = "smtp.test", TrustedCertificate = notACertificate }).ShouldHaveSingleItem().ShouldStartWith("Smtp:TrustedCertificate cannot be read");
        }
        finally
        {
            File.Delete(notACertificate);
        }
    }

    [Fact]
    public void A_trusted_certificate_file_in_pem_is_accepted()
    {
        using var certificate = new TestCertificate();
        Problems(new SmtpOptions { Host = "smtp.test", TrustedCertificate = certificate.CertificatePath, TrustedCertificateSha256 = certificate.Sha256 }).ShouldBeEmpty();
    }

    [Fact]
    public void Settings_are_bound_from_configuration_and_checked_when_read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "smtp.test", ["Smtp:Security"] = "Tls", ["Smtp:Username"] = "mailer", ["Smtp:Password"] = "secret",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddOutbox().BuildServiceProvider();

        var failure = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<SmtpOptions>>().Value);

        failure.Message.ShouldBe("Smtp:Security is 'Tls': use None, StartTls, StartTlsWhenAvailable or SslOnConnect");
    }

    private static List<string> Problems(SmtpOptions options) =>
        new SmtpOptionsValidator().Validate(null, options) is { Failed: true } result ? [.. result.Failures] : [];
}
