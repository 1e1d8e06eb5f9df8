using AngleSharp.Dom;
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

        // The GOV.UK date input: a date that cannot be read is named in the error, and nothing is shown rather than everything.
        var bad = await head.GetAsync("/audit?from.Day=45&from.Month=13&from.Year=2026&to.Day=1&to.Month=&to.Year=2026");
        bad.Errors.ShouldContain("From date must be a real date");
        bad.Errors.ShouldContain("To date must include a month");
        bad.Document.QuerySelector(".govuk-error-summary a[href='#from_Day']")!.TextContent.ShouldBe("From date must be a real date");
        bad.Document.QuerySelector(".govuk-error-summary a[href='#to_Month']")!.TextContent.ShouldBe("To date must include a month");
        bad.Document.QuerySelector("#to_Month")!.ClassList.ShouldContain("govuk-input--error");
        bad.Document.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#from_Day")!.Value.ShouldBe("45");
        bad.Document.QuerySelectorAll("tbody tr").Length.ShouldBe(0);
        bad.Document.QuerySelector("#no-events")!.TextContent.ShouldBe("Correct the filter to see events.");
        bad.Document.Title!.ShouldStartWith("Error: ");

        var backwards = await head.GetAsync("/audit?from.Day=2&from.Month=1&from.Year=2026&to.Day=1&to.Month=1&to.Year=2026");
        backwards.Errors.ShouldContain("To date must be the same as or after the from date");
        backwards.Document.QuerySelectorAll("tbody tr").Length.ShouldBe(0);

        var none = await head.GetAsync("/audit?action=policy.signed&from.Day=1&from.Month=1&from.Year=2001&to.Day=2&to.Month=jan&to.Year=2001");
        none.Errors.ShouldBeEmpty();
        none.Document.QuerySelector("#no-events")!.TextContent.ShouldBe("No events match.");

        // The filter form's boxes are named as the queries above; a range that holds the events shows them.
        page.Document.QuerySelectorAll("main form #from input, main form #to input").Select(i => i.GetAttribute("name"))
            .ShouldBe(["from.Day", "from.Month", "from.Year", "to.Day", "to.Month", "to.Year"]);
        var all = await head.GetAsync("/audit?from.Day=1&from.Month=1&from.Year=2000&to.Day=31&to.Month=12&to.Year=2199");
        all.Errors.ShouldBeEmpty();
        all.Document.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ShouldContain(r => r.Contains("Ann Lee signed"));
    }
}
