using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Demo;
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
    internal static AppFactory DemoApp(TestDatabase db) =>
        new(db, settings: new Dictionary<string, string?> { ["Demo"] = "true", ["SafeUse:RunScheduler"] = "false" });

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
}
