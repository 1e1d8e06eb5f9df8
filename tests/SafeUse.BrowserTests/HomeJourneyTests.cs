using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>In the demo trust, each persona's home shows their own work, and the axe-core scan finds nothing.</summary>
public sealed class HomeJourneyTests
{
    private const string Password = "demo-safeuse-password";

    [BrowserTheory, ServerDatabases]
    internal async Task Each_demo_persona_finds_their_own_work_on_home(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();

        async Task<(IPage Page, string Main)> HomeAsync(string who)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/account/sign-in");
            await page.GetByLabel("Work email address").FillAsync(who + "@demo.safeuse.test");
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await SecondFactorPrompt.PassAsync(page, who + "@demo.safeuse.test");
            (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello, ");
            violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
            return (page, (await page.TextContentAsync("main"))!);
        }

        // The trust administrator: the questions staff have asked about the policy the trust owns.
        (await HomeAsync("alex.morgan")).Main.ShouldContain("questions from staff waiting for an answer");

        // The chief executive: every school's completion; a Head: their own school's only.
        var ceo = (await HomeAsync("priya.roberts")).Main;
        ceo.ShouldContain("Riverside Academy: Staff ICT Acceptable Use Policy signed by");
        ceo.ShouldContain("Riverside Primary School: Staff ICT Acceptable Use Policy signed by");
        var head = (await HomeAsync("tom.king")).Main;
        head.ShouldContain("Riverside Primary School: Staff ICT Acceptable Use Policy signed by");
        head.ShouldNotContain("Riverside Academy:");

        // A line manager: their own team's overdue signatures, never the school's.
        var manager = (await HomeAsync("olivia.kaur")).Main;
        manager.ShouldMatch(@"(?s).*\d+ (person|people) in your team (has|have) not signed Staff ICT Acceptable Use Policy.*");
        manager.ShouldNotContain("Sign-off in your schools");

        // A DSL with nothing outstanding is told so, and only then.
        (await HomeAsync("jack.murphy")).Main.ShouldContain("Nothing needs your attention right now.");

        // A member of staff: the policy to sign, which opens the text and the declaration.
        var (staffPage, staff) = await HomeAsync("poppy.thompson");
        staff.ShouldContain("Read and sign Staff ICT Acceptable Use Policy");
        staff.ShouldNotContain("Nothing needs your attention");
        await staffPage.GetByRole(AriaRole.Link, new() { Name = "Read and sign Staff ICT Acceptable Use Policy", Exact = false }).ClickAsync();
        (await staffPage.Locator("h1").TextContentAsync())!.ShouldContain("Staff ICT Acceptable Use Policy"); // the one h1: the text's own headings sit below it
        (await staffPage.TextContentAsync("#policy-text"))!.Length.ShouldBeGreaterThan(1000);
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(staffPage));

        violations.ShouldBeEmpty();
    }
}
