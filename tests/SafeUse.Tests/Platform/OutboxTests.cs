using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

public sealed class OutboxTests
{
    private readonly FakeTime time = new();

    [Theory, BothDatabases]
    internal async Task An_email_is_delivered_over_smtp_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var smtp = new SmtpListener();
        await QueueAsync(db, "head@test.sch.uk", "Policy signed", "Ann Lee has signed the acceptable use policy.");
        var sender = Sender(db, smtp.Port);

        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(1);
        (await sender.SendDueAsync(CancellationToken.None)).ShouldBe(0);

        smtp.Messages.Count.ShouldBe(1);
        smtp.Messages[0].ShouldContain("Subject: Policy signed");
        smtp.Messages[0].ShouldContain("Ann Lee has signed");
        await using var ctx = db.Context();
        var email = await ctx.Outbox.SingleAsync();
        email.Status.ShouldBe(OutboxStatus.Sent);
        email.SentAt.ShouldBe(time.GetUtcNow().UtcDateTime);
    }

    [Theory, BothDatabases]
    internal async Task A_refused_email_is_retried_after_a_backoff_and_delivered_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var smtp = new SmtpListener(refuseFirst: 2);
        await QueueAsync(db, "dsl@test.sch.uk", "Reminder", "Please sign.");
        var sender = Sender(db, smtp.Port);

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
        (await check.Outbox.SingleAsync()).Status.ShouldBe(OutboxStatus.Sent);
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

    [Fact]
    public void Backoff_doubles_from_30_seconds_up_to_an_hour()
    {
        OutboxSender.Backoff(1).ShouldBe(TimeSpan.FromSeconds(30));
        OutboxSender.Backoff(2).ShouldBe(TimeSpan.FromSeconds(60));
        OutboxSender.Backoff(3).ShouldBe(TimeSpan.FromSeconds(120));
        OutboxSender.Backoff(20).ShouldBe(TimeSpan.FromHours(1));
    }

    private async Task QueueAsync(TestDatabase db, string to, string subject, string body)
    {
        await using var ctx = db.Context();
        new Outbox(time).Enqueue(ctx, to, subject, body);
        await ctx.SaveChangesAsync();
    }

    private OutboxSender Sender(TestDatabase db, int port)
    {
        var services = new ServiceCollection();
        services.AddSingleton(db.Provider);
        services.AddDbContext<AppDbContext>(o => db.Provider.Configure(o));
        var provider = services.BuildServiceProvider();
        var options = Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, UseTls = false, From = "safeuse@test.sch.uk" });
        return new OutboxSender(provider.GetRequiredService<IServiceScopeFactory>(), options, time, NullLogger<OutboxSender>.Instance);
    }
}
