using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeUse.Features.Demo;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Demo;

public sealed class DemoTrustTests
{
    internal const string AdminEmail = "alex.morgan@" + DemoTrust.Domain;

    /// <summary>The app as `serve --demo` starts it: migrated, with the demo trust filled before the first request.</summary>
    internal static AppFactory DemoApp(TestDatabase db, string? publicUrl = null)
    {
        var settings = new Dictionary<string, string?> { ["Demo"] = "true", ["SafeUse:RunScheduler"] = "false" };
        if (publicUrl is not null)
        {
            settings["SafeUse:PublicUrl"] = publicUrl;
        }

        return new(db, settings: settings);
    }

    [Theory, BothDatabases]
    internal async Task The_demo_trust_fills_and_its_policy_pages_and_the_sign_off_clock_work(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = DemoApp(db);
        _ = app.Server;

        long policyId;
        await using (var ctx = db.Context())
        {
            var policy = await ctx.Policies.SingleAsync();
            policy.OwnerRole.ShouldBe(Role.OnlineSafetyLead);
            policyId = policy.Id;
            (await ctx.PolicyQueries.CountAsync()).ShouldBe(2);
            (await ctx.PolicyVersions.CountAsync()).ShouldBe(2);

            // Reports of every kind, open and closed, in both schools, which name and route them differently.
            var incidents = await ctx.Incidents.ToListAsync();
            foreach (var k in ReportKinds.All)
            {
                incidents.ShouldContain(i => i.Kind == k.Code, k.Code);
            }

            incidents.ShouldContain(i => i.Status == IncidentStatus.Closed);
            incidents.ShouldContain(i => i.Status != IncidentStatus.Closed);
            incidents.ShouldContain(i => i.Status != IncidentStatus.Closed && i.AcknowledgedAt == null);
            incidents.ShouldContain(i => i.Restricted && i.Status == IncidentStatus.Closed);
            incidents.Select(i => i.SchoolId).Distinct().Count().ShouldBe(2);
            // A visitor finds an open and a closed report of every kind.
            foreach (var k in ReportKinds.All)
            {
                incidents.ShouldContain(i => i.Kind == k.Code && i.Status == IncidentStatus.Closed, k.Code);
                incidents.ShouldContain(i => i.Kind == k.Code && i.Status != IncidentStatus.Closed, k.Code);
            }

            incidents.ShouldContain(i => i.Status != IncidentStatus.Closed && i.AwareAt > DateTime.UtcNow.AddHours(-72) && i.AwareAt < DateTime.UtcNow.AddHours(-48), "a breach with under a day left");
            var labels = await ctx.RoleLabels.Where(l => l.Role == Role.OnlineSafetyLead).Select(l => l.Label).ToListAsync();
            labels.ShouldBe(["Computing Leader", "Digital Lead"], ignoreOrder: true);
            // Each school reroutes a kind its own way, and the academy asks a question of its own.
            var settings = await ctx.ReportKindSettings.ToListAsync();
            settings.Where(s => s.Questions is null).Select(s => (s.SchoolId, s.Route)).Distinct().Count().ShouldBe(2);
            settings.Where(s => s.Questions is null).Select(s => s.SchoolId).Distinct().Count().ShouldBe(2);
            settings.ShouldContain(s => s.Questions != null && s.Questions.Contains("(required)"));
        }

        var browser = app.Browse();
        (await browser.SignInAsync(AdminEmail, DemoTrust.Password)).Heading.ShouldBe("Hello, Alex");
        foreach (var url in new[] { "/policies", $"/policies/{policyId}", $"/policies/{policyId}/register", $"/policies/{policyId}/queries" })
        {
            var page = await browser.GetAsync(url);
            page.Status.ShouldBe(HttpStatusCode.OK, url);
            page.Text.ShouldContain("Staff ICT Acceptable Use Policy", customMessage: url);
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SignOffScheduler>().RunOnceAsync(CancellationToken.None);
    }

    [Fact]
    internal async Task The_console_and_the_README_list_the_same_demo_personas_one_for_each_role()
    {
        using var db = TestDatabase.Create(DatabaseProviderKind.Sqlite);
        await using var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        var created = (await scope.ServiceProvider.GetRequiredService<DemoTrust>().CreateIfEmptyAsync(CancellationToken.None)).ShouldNotBeNull();

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SafeUse.slnx"))) root = root.Parent!;
        var readme = await File.ReadAllTextAsync(Path.Combine(root.FullName, "README.md"));
        created.Personas.Count.ShouldBe(10);
        foreach (var p in created.Personas)
        {
            readme.ShouldContain($"| {p.Does} | {p.Name} | {p.School} | `{p.Email}` |");
            (await browserSignIn(p.Email)).ShouldBe(true, p.Email);
        }

        readme.ShouldContain($"`{created.Password}`");

        async Task<bool> browserSignIn(string email) => (await app.Browse().SignInAsync(email, created.Password)).Heading.StartsWith("Hello", StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    internal async Task In_the_demo_a_visitor_reads_an_emailed_sign_in_link_in_the_outbox_and_outside_it_nobody_can(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        foreach (var demo in new[] { true, false })
        {
            // The same trust, started once as a demo and once as a real trust would be.
            await using var app = demo ? DemoApp(db) : new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
            var visitor = app.Browse();
            var staffEmail = "poppy.thompson@" + DemoTrust.Domain;
            await visitor.SubmitAsync(await visitor.GetAsync("/account/email-link"), new Dictionary<string, string> { ["Input.Email"] = staffEmail });
            await visitor.SignInAsync(AdminEmail, DemoTrust.Password);
            var outbox = await visitor.GetAsync("/outbox");
            var link = System.Text.RegularExpressions.Regex.Match(outbox.Text, @"https?://\S+/account/link\?token=[\w-]+");
            if (!demo)
            {
                link.Success.ShouldBeFalse();
                outbox.Text.ShouldContain("This email holds a sign-in link, so it is not shown.");
                continue;
            }

            link.Success.ShouldBeTrue(outbox.Text);
            outbox.Text.ShouldContain("This is a demo, so emails holding sign-in links are shown too");
            var confirm = await visitor.GetAsync(new Uri(link.Value).PathAndQuery);
            var home = await visitor.SubmitAsync(confirm, new Dictionary<string, string>());
            home.Heading.ShouldBe("Hello, Poppy");
        }
    }

    [Theory, BothDatabases]
    internal async Task A_demo_that_fails_part_way_leaves_nothing_and_the_next_start_fills_it(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();

        // The point where PostgreSQL failed in the field: the first staff question, after the policy was published
        // and most people had signed.
        await using (var failing = Context(db, new FailOnInsertInto("policy_query")))
        {
            var failure = await Should.ThrowAsync<DbUpdateException>(() => Demo(db, failing).CreateIfEmptyAsync(CancellationToken.None));
            failure.InnerException.ShouldBeOfType<InvalidOperationException>().Message.ShouldContain("Simulated failure");
        }

        await using (var ctx = db.Context())
        {
            (await ctx.Trusts.AnyAsync()).ShouldBeFalse();
            (await ctx.People.AnyAsync()).ShouldBeFalse();
            (await ctx.Policies.AnyAsync()).ShouldBeFalse();
            (await ctx.Signatures.AnyAsync()).ShouldBeFalse();
            (await ctx.AuditEvents.AnyAsync()).ShouldBeFalse();
            (await ctx.Outbox.AnyAsync()).ShouldBeFalse();
        }

        await using (var ctx = db.Context())
        {
            (await Demo(db, ctx).CreateIfEmptyAsync(CancellationToken.None)).ShouldNotBeNull();
        }

        await using var check = db.Context();
        (await check.Trusts.CountAsync()).ShouldBe(1);
        (await check.PolicyQueries.CountAsync()).ShouldBe(2);
    }

    private static AppDbContext Context(TestDatabase db, IInterceptor interceptor)
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        db.Provider.Configure(builder);
        builder.AddInterceptors(interceptor);
        return new AppDbContext(builder.Options, db.Provider, db.AuditKey());
    }

    private static DemoTrust Demo(TestDatabase db, AppDbContext ctx)
    {
        var time = TimeProvider.System;
        var outbox = new SafeUse.Platform.Outbox.Outbox(time);
        var options = Options.Create(new SignOffOptions { PublicUrl = "https://safeuse.test" });
        var signOff = new SignOffService(ctx, db.Audit(time), outbox, time, options);
        var factors = new SafeUse.Platform.Auth.SecondFactorService(ctx, time, db.Audit(time), new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(), outbox,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SafeUse.Platform.Auth.SecondFactorService>.Instance);
        return new DemoTrust(ctx, db.Audit(time), time, signOff, outbox, options, factors);
    }

    /// <summary>Fails any command that inserts into the table, as a database error part way through would.</summary>
    private sealed class FailOnInsertInto(string table) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("INSERT INTO", StringComparison.OrdinalIgnoreCase) && command.CommandText.Contains(table, StringComparison.Ordinal)
                ? throw new InvalidOperationException($"Simulated failure inserting into {table}")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("INSERT INTO", StringComparison.OrdinalIgnoreCase) && command.CommandText.Contains(table, StringComparison.Ordinal)
                ? throw new InvalidOperationException($"Simulated failure inserting into {table}")
                : base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}
