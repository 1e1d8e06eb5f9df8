using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

public sealed class PeopleJourneyTests
{
    [BrowserTheory, ServerDatabases]
    internal async Task An_administrator_adds_a_person_changes_them_gives_and_removes_a_role_and_marks_them_as_a_leaver(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind);
        await using var browser = await server.StartBrowserAsync();
        // axe-core is injected as a script, which the app's Content-Security-Policy would rightly block.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task Scan() => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        async Task Click(string name) => await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();
        async Task<string> Banner() => (await page.TextContentAsync(".govuk-notification-banner"))!;

        await page.GotoAsync(server.BaseUrl + "/setup");
        await page.GetByLabel("Trust name").FillAsync("Brook Trust");
        await page.GetByLabel("First school's name").FillAsync("Brook School");
        await page.GetByLabel("First name").FillAsync("Sam");
        await page.GetByLabel("Last name").FillAsync("Rivers");
        await page.GetByLabel("Work email address").FillAsync("sam.rivers@brook.sch.uk");
        await page.GetByLabel("Password").FillAsync("orchard lantern copper seven");
        await Click("Create trust and sign in");
        await SecondFactorPrompt.PassAsync(page, "sam.rivers@brook.sch.uk");

        // Add a person, first with nothing filled in.
        await page.GotoAsync(server.BaseUrl + "/people");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a person" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Add a person");
        await Scan();
        await Click("Add person");
        (await page.TextContentAsync(".govuk-error-summary"))!.ShouldContain("Enter their first name");
        await Scan();
        await page.GetByLabel("First name").FillAsync("Layla");
        await page.GetByLabel("Last name").FillAsync("Hussain");
        await page.GetByLabel("Work email (optional if they have a staff code)").FillAsync("layla@brook.sch.uk");
        await page.GetByLabel("Staff code (optional if they have a work email)").FillAsync("LHU");
        await page.GetByLabel("Job title (optional)").FillAsync("Class teacher");
        await page.GetByLabel("Employment type").SelectOptionAsync("Temporary");
        await page.GetByLabel("Staff group (optional)").FillAsync("Teaching");
        await page.GetByLabel("Day").FillAsync("1");
        await page.GetByLabel("Month").FillAsync("9");
        await page.GetByLabel("Year").FillAsync("2025");
        await page.GetByLabel("Brook School").CheckAsync();
        await Click("Add person");
        (await page.Locator("h1").TextContentAsync())!.Trim().ShouldStartWith("Layla Hussain");
        (await Banner()).ShouldContain("Added Layla Hussain.");
        (await page.TextContentAsync("main"))!.ShouldContain("Nothing is waiting for them to sign.");
        await Scan();

        // Change her details.
        await page.GetByRole(AriaRole.Link, new() { Name = "Change details" }).ClickAsync();
        (await page.GetByLabel("Job title (optional)").InputValueAsync()).ShouldBe("Class teacher");
        await Scan();
        await page.GetByLabel("Job title (optional)").FillAsync("Head of Year 6");
        await Click("Save changes");
        (await Banner()).ShouldContain("Saved Layla Hussain's details.");
        (await page.TextContentAsync("main"))!.ShouldContain("Head of Year 6");

        // Give her a role (at the school, as the form starts), then take it away again, confirming first.
        await page.GotoAsync(server.BaseUrl + "/schools");
        await page.GetByLabel("Their work email").FillAsync("layla@brook.sch.uk");
        await page.GetByLabel("Role").SelectOptionAsync("Dsl");
        await Click("Give role");
        (await Banner()).ShouldContain("Layla Hussain is now Designated Safeguarding Lead for Brook School.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Layla Hussain as Designated Safeguarding Lead" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Remove Layla Hussain as Designated Safeguarding Lead for Brook School?");
        await Scan();
        await Click("Yes, remove the role");
        (await Banner()).ShouldContain("Removed Designated Safeguarding Lead from Layla Hussain.");

        // She leaves.
        await page.GotoAsync(server.BaseUrl + "/people");
        await page.GetByRole(AriaRole.Link, new() { Name = "Hussain, Layla" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Mark as a leaver" }).ClickAsync();
        await Scan();
        var today = DateTime.UtcNow;
        await page.GetByLabel("Day").FillAsync(today.Day.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Month").FillAsync(today.Month.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Year").FillAsync(today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Click("Mark as a leaver");
        (await Banner()).ShouldContain("Layla Hussain is marked as a leaver");
        (await page.TextContentAsync("h1 .govuk-tag")).ShouldBe("Leaver");
        await Scan();

        violations.ShouldBeEmpty();
    }
}
