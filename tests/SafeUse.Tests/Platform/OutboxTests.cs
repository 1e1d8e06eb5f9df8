using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>The outbox delivering through a real SMTP server on loopback (aiosmtpd) with TLS and AUTH.</summary>
public sealed class OutboxTests : IDisposable
{
    private readonly FakeTime time = new();
    private readonly TestCertificate certificate = new();
    private readonly ListLogger<OutboxSender> log = new();

    public void Dispose() => certificate.Dispose();

    [SmtpTheory, BothDatabases]
    internal async Task An_email_is_delivered_over_starttls_with_authentication_once(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        var id = await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed the acceptable use policy.");
        var sender = Sender(db, Submission(smtp.Port));

        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(1);
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);

        var received = smtp.Messages.ShouldHaveSingleItem();
        received.Tls.ShouldBeTrue();
        received.AuthUser.ShouldBe(TestSmtpServer.User);
        received.MailFrom.ShouldBe("safeuse@test.sch.uk");
        received.RcptTos.ShouldBe(["head@test.sch.uk"]);
        var message = received.ToMimeMessage();
        message.Subject.ShouldBe("Policy signed");
        message.TextBody!.ShouldContain("Ann Lee has signed the acceptable use policy.");
        message.From.ToString().ShouldBe("safeuse@test.sch.uk");
        message.To.ToString().ShouldBe("head@test.sch.uk");
        message.MessageId.ShouldBe($"outbox-{id}@safeuse");
        message.Date.ShouldBe(time.GetUtcNow());
        await using var ctx = db.Context();
        var email = await ctx.Outbox.SingleAsync();
        email.Status.ShouldBe(OutboxStatus.Sent);
        email.SentAt.ShouldBe(time.GetUtcNow().UtcDateTime);
        email.LastError.ShouldBeNull();
    }

    [SmtpTheory, BothDatabases]
    internal async Task An_email_is_delivered_over_implicit_tls(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate, SmtpServerMode.Smtps);
        await QueueAsync(db, "dpo@test.sch.uk", "Audit head", "Today's audit head.");
        var options = Submission(smtp.Port);
        options.Security = "SslOnConnect";

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(1);

        var received = smtp.Messages.ShouldHaveSingleItem();
        received.Tls.ShouldBeTrue();
        received.AuthUser.ShouldBe(TestSmtpServer.User);
        received.ToMimeMessage().Subject.ShouldBe("Audit head");
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_refused_email_is_retried_after_a_backoff_and_delivered_once(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate, refuseFirst: 2);
        await QueueAsync(db, "dsl@test.sch.uk", "Reminder", "Please sign.");
        var sender = Sender(db, Submission(smtp.Port));

        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        await using (var ctx = db.Context())
        {
            var failed = await ctx.Outbox.SingleAsync();
            failed.Status.ShouldBe(OutboxStatus.Pending);
            failed.Attempts.ShouldBe(1);
            failed.LastError!.ShouldContain("try again later");
            failed.NextAttemptAt.ShouldBe(time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(30));
        }

        // Not due yet: nothing is sent before the backoff ends.
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(31));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(61));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(1);

        smtp.Messages.Count.ShouldBe(1);
        await using var check = db.Context();
        var sent = await check.Outbox.SingleAsync();
        sent.Status.ShouldBe(OutboxStatus.Sent);
        sent.Attempts.ShouldBe(3);
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_temporary_failure_is_given_up_after_the_last_attempt(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate, refuseFirst: 5);
        await QueueAsync(db, "dsl@test.sch.uk", "Reminder", "Please sign.");
        var options = Submission(smtp.Port);
        options.MaxAttempts = 2;
        var sender = Sender(db, options);

        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromMinutes(1));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromHours(2));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);

        await using var ctx = db.Context();
        var email = await ctx.Outbox.SingleAsync();
        email.Status.ShouldBe(OutboxStatus.Failed);
        email.Attempts.ShouldBe(2);
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_wrong_password_leaves_the_email_waiting_with_a_settings_error_until_it_is_fixed(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await QueueAsync(db, "ann@test.sch.uk", "Please sign the AUP", "The new policy is ready to sign.");
        var wrong = Submission(smtp.Port);
        wrong.Password = "not the password";
        wrong.MaxAttempts = 1;

        (await Sender(db, wrong).SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(31));
        (await Sender(db, wrong).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using (var ctx = db.Context())
        {
            var waiting = await ctx.Outbox.SingleAsync();
            // Past MaxAttempts, yet still waiting: a wrong password is not the email's fault.
            waiting.Status.ShouldBe(OutboxStatus.Pending, waiting.LastError);
            waiting.Attempts.ShouldBe(2);
            waiting.LastError!.ShouldStartWith("SMTP settings:");
            waiting.LastError.ShouldContain("refused the user name or password (Smtp:Username, Smtp:Password)");
            waiting.LastError.ShouldNotContain("not the password");
            waiting.NextAttemptAt.ShouldBe(time.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(1));
        }

        log.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Message.Contains("refused the user name or password", StringComparison.Ordinal));
        log.Entries.ShouldAllBe(e => !e.Message.Contains("not the password") && !e.Message.Contains("ann@test.sch.uk"));

        time.Advance(TimeSpan.FromMinutes(1));
        (await Sender(db, Submission(smtp.Port)).SendDueAsync(CancellationToken.None)).ShouldBe(1);
        smtp.Messages.ShouldHaveSingleItem().ToMimeMessage().Subject.ShouldBe("Please sign the AUP");
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_server_that_is_down_is_retried_with_backoff_until_it_is_up(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var port = TestSmtpServer.FreePort();
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var sender = Sender(db, Submission(port));

        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(30));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        await using (var ctx = db.Context())
        {
            var waiting = await ctx.Outbox.SingleAsync();
            waiting.Status.ShouldBe(OutboxStatus.Pending, waiting.LastError);
            waiting.Attempts.ShouldBe(2);
            waiting.LastError!.ShouldContain($"cannot connect to the SMTP server 127.0.0.1:{port}");
            waiting.NextAttemptAt.ShouldBe(time.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(1));
        }

        await using var smtp = await TestSmtpServer.StartAsync(certificate, port: port);
        time.Advance(TimeSpan.FromSeconds(59));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromSeconds(1));
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(1);
        smtp.Messages.Count.ShouldBe(1);
    }

    [SmtpTheory, BothDatabases]
    internal async Task An_untrusted_certificate_is_refused_by_default(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = Submission(smtp.Port);
        options.TrustedCertificate = null;

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using var ctx = db.Context();
        var waiting = await ctx.Outbox.SingleAsync();
        waiting.Status.ShouldBe(OutboxStatus.Pending, waiting.LastError);
        waiting.LastError!.ShouldStartWith("SMTP settings:");
        waiting.LastError.ShouldContain("is not trusted");
        waiting.LastError.ShouldContain(certificate.Sha256);
    }

    [SmtpTheory, BothDatabases]
    internal async Task Trusting_another_certificate_does_not_trust_the_server(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        using var other = new TestCertificate();
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = Submission(smtp.Port);
        options.TrustedCertificate = other.CertificatePath;

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using var ctx = db.Context();
        (await ctx.Outbox.SingleAsync()).LastError!.ShouldContain("is not trusted");
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_certificate_trusted_by_its_fingerprint_is_accepted(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = Submission(smtp.Port);
        options.TrustedCertificate = null;
        options.TrustedCertificateSha256 = string.Join(':', certificate.Sha256.Chunk(2).Select(c => new string(c)));

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(1);
        smtp.Messages.Count.ShouldBe(1);
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_trusted_certificate_for_another_name_is_refused(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        using var elsewhere = new TestCertificate(onlyName: "mail.elsewhere.example");
        await using var smtp = await TestSmtpServer.StartAsync(elsewhere);
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = Submission(smtp.Port);
        options.TrustedCertificate = elsewhere.CertificatePath;

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using var ctx = db.Context();
        (await ctx.Outbox.SingleAsync()).LastError!.ShouldContain("is not issued for Smtp:Host");
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_plain_connection_to_a_server_that_requires_starttls_fails_clearly(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "safeuse@test.sch.uk" };

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using var ctx = db.Context();
        var waiting = await ctx.Outbox.SingleAsync();
        waiting.Status.ShouldBe(OutboxStatus.Pending, waiting.LastError);
        waiting.LastError!.ShouldStartWith("SMTP settings:");
        waiting.LastError.ShouldContain("requires STARTTLS or sign-in before it accepts mail");
        waiting.LastError.ShouldContain("Smtp:Security");
        waiting.LastError.ShouldContain("STARTTLS");
    }

    [SmtpTheory, BothDatabases]
    internal async Task Implicit_tls_to_a_starttls_port_fails_clearly(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed.");
        var options = Submission(smtp.Port);
        options.Security = "SslOnConnect";
        options.Timeout = TimeSpan.FromSeconds(5);

        (await Sender(db, options).SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.ShouldBeEmpty();
        await using var ctx = db.Context();
        (await ctx.Outbox.SingleAsync()).LastError!.ShouldContain("check Smtp:Security (SslOnConnect) and Smtp:Port");
    }

    [SmtpTheory, BothDatabases]
    internal async Task A_refused_recipient_fails_at_once_and_the_log_never_names_them(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var smtp = await TestSmtpServer.StartAsync(certificate, rejectRecipient: "left.school@");
        await QueueAsync(db, "left.school@test.sch.uk", "Reminder", "Please sign, Lee.");
        await QueueAsync(db, "ann@test.sch.uk", "Reminder", "Please sign, Ann.");

        (await Sender(db, Submission(smtp.Port)).SendDueAsync(CancellationToken.None)).ShouldBe(1);

        smtp.Messages.ShouldHaveSingleItem().RcptTos.ShouldBe(["ann@test.sch.uk"]);
        await using var ctx = db.Context();
        var refused = await ctx.Outbox.OrderBy(e => e.Id).FirstAsync();
        refused.Status.ShouldBe(OutboxStatus.Failed);
        refused.Attempts.ShouldBe(1);
        refused.LastError!.ShouldContain("refused the recipient (550)");
        log.Entries.ShouldNotBeEmpty();
        log.Entries.ShouldAllBe(e => !e.Message.Contains("@test.sch.uk") && !e.Message.Contains("Please sign"));
    }

    [Theory, BothDatabases]
    internal async Task Without_smtp_emails_wait_in_the_outbox_and_administrators_can_read_them(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Amy", "Admin", (SafeUse.Features.People.Role.Administrator, null));
        }

        await QueueAsync(db, "ann@test.sch.uk", "Please sign the AUP", "The new policy is ready to sign.");
        await app.Services.GetRequiredService<OutboxSender>().StartAsync(CancellationToken.None);
        var browser = app.Browse();
        await browser.SignInAsync("amy.admin@test.sch.uk", Seed.Password);
        var page = await browser.GetAsync("/outbox");
        page.Text.ShouldContain("Please sign the AUP");
        page.Text.ShouldContain("The new policy is ready to sign.");
        page.Text.ShouldContain("SMTP is not configured");
        await using var check = db.Context();
        (await check.Outbox.SingleAsync()).Status.ShouldBe(OutboxStatus.Pending);
    }

    [SmtpTheory, BothDatabases]
    internal async Task Administrators_see_a_settings_problem_on_the_outbox_page(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await using var app = new AppFactory(db, time, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Username"] = TestSmtpServer.User, ["Smtp:Password"] = "not the password", ["Smtp:TrustedCertificate"] = certificate.CertificatePath,
            ["Smtp:From"] = "safeuse@test.sch.uk", ["Smtp:PollInterval"] = "01:00:00",
        });
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Amy", "Admin", (SafeUse.Features.People.Role.Administrator, null));
        }

        await QueueAsync(db, "ann@test.sch.uk", "Please sign the AUP", "The new policy is ready to sign.");
        (await app.Services.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None)).ShouldBe(0);
        var browser = app.Browse();
        await browser.SignInAsync("amy.admin@test.sch.uk", Seed.Password);
        var page = await browser.GetAsync("/outbox");

        var warning = page.Document.QuerySelector("#smtp-settings-problem")?.TextContent;
        warning.ShouldNotBeNull();
        warning.ShouldContain("Emails are waiting because of a problem with the SMTP settings");
        warning.ShouldContain("refused the user name or password (Smtp:Username, Smtp:Password)");
        page.Text.ShouldNotContain("not the password");
        smtp.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void Backoff_doubles_from_30_seconds_up_to_an_hour()
    {
        OutboxSender.Backoff(1).ShouldBe(TimeSpan.FromSeconds(30));
        OutboxSender.Backoff(2).ShouldBe(TimeSpan.FromSeconds(60));
        OutboxSender.Backoff(3).ShouldBe(TimeSpan.FromSeconds(120));
        OutboxSender.Backoff(20).ShouldBe(TimeSpan.FromHours(1));
    }

    /// <summary>The settings for the test server's submission port: STARTTLS, signed in, its certificate trusted by file.</summary>
    private SmtpOptions Submission(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Security = "StartTls",
        Username = TestSmtpServer.User,
        Password = TestSmtpServer.Password,
        TrustedCertificate = certificate.CertificatePath,
        From = "safeuse@test.sch.uk",
    };

    private async Task<long> QueueAsync(TestDatabase db, string to, string subject, string body)
    {
        await using var ctx = db.Context();
        var email = new Outbox(time).Enqueue(ctx, to, subject, body);
        await ctx.SaveChangesAsync();
        return email.Id;
    }

    private OutboxSender Sender(TestDatabase db, SmtpOptions options)
    {
        new SmtpOptionsValidator().Validate(null, options).Failed.ShouldBeFalse();
        var services = new ServiceCollection();
        services.AddSingleton(db.Provider);
        services.AddDbContext<AppDbContext>(o => db.Provider.Configure(o));
        var provider = services.BuildServiceProvider();
        return new OutboxSender(provider.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), time, log);
    }
}
