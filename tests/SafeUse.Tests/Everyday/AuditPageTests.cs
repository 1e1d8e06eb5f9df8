using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class AuditPageTests
{
    [Theory, BothDatabases]
    public async Task A_head_sees_their_schools_signing_and_a_filter_that_cannot_be_read_says_so(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            foreach (var p in new[] { world.Ann, world.Bella })
            {
                (await world.Service(ctx).SignAsync(p.Id, new SignInput(draft, true, p.FullName, null, null), new Actor(p.Id, p.FullName), default)).Outcome.ShouldBe(SignOutcome.Signed);
            }
        }

        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var head = app.Browse();
        await head.SignInAsync(world.Head.Email!, Seed.Password);
        var page = await head.GetAsync("/audit");
        var rows = page.Document.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        rows.ShouldContain(r => r.Contains("Ann Lee signed"));
        rows.ShouldNotContain(r => r.Contains("Bella Birch"));
        page.Document.QuerySelectorAll("#action option").Select(o => o.GetAttribute("value")).ShouldContain("policy.signed");

        var bad = await head.GetAsync("/audit?from=2026-13-45&to=yesterday");
        bad.Errors.ShouldContain("From: \"2026-13-45\" is not a date: write it like 2026-09-01 or 1/9/2026");
        bad.Errors.ShouldContain("To: \"yesterday\" is not a date: write it like 2026-09-01 or 1/9/2026");
        bad.Document.QuerySelectorAll("tbody tr").Length.ShouldBe(0);
        bad.Document.Title!.ShouldStartWith("Error: ");

        var none = await head.GetAsync("/audit?action=policy.signed&from=2001-01-01&to=2001-01-02");
        none.Document.QuerySelector("#no-events")!.TextContent.ShouldBe("No events match.");
    }
}
