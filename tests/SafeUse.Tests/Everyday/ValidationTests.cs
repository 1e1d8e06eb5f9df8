using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class ValidationTests
{
    [Theory, BothDatabases]
    public async Task Signing_with_no_tick_and_no_name_shows_both_problems_and_the_title_says_error(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = app.Browse();
        await browser.SignInAsync(world.Ann.Email!, Seed.Password);
        var page = await browser.GetAsync($"/sign/{policyId}");
        page.Document.Title!.ShouldNotStartWith("Error:");
        var refused = await browser.SubmitAsync(page, new Dictionary<string, string> { ["TypedName"] = "" }, "form[action*='Sign']");
        refused.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(li => li.TextContent.Trim())
            .ShouldBe(["Tick the box to confirm you have read and agree to the policy", "Type your full name"], ignoreOrder: true);
        refused.Document.Title!.ShouldStartWith("Error: ");
    }
}
