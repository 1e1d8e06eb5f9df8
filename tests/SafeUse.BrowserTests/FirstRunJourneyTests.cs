using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

public sealed class FirstRunJourneyTests
{
    [BrowserTheory, ServerDatabases]
    internal async Task A_new_trust_sets_up_signs_in_imports_staff_and_finds_a_person(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind);
        await using var browser = await server.StartBrowserAsync();
        // axe-core is injected as a script, which the app's Content-Security-Policy would rightly block.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task Scan() => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));

        await page.GotoAsync(server.BaseUrl + "/");
        page.Url.ShouldEndWith("/setup");
        await Scan();
        await page.GetByLabel("Trust name").FillAsync("Meadow Trust");
        await page.GetByLabel("First school's name").FillAsync("Meadow Primary");
        await page.GetByLabel("School URN (optional)").FillAsync("654321");
        await page.GetByLabel("First name").FillAsync("Sam");
        await page.GetByLabel("Last name").FillAsync("Rivers");
        await page.GetByLabel("Work email address").FillAsync("sam.rivers@meadow.sch.uk");
        await page.GetByLabel("Password").FillAsync("kettle harbour violet nine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trust and sign in" }).ClickAsync();
        // An administrator must have a second factor: setting up the authenticator app comes first.
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Set up your authenticator app");
        await Scan();
        await SecondFactorPrompt.PassAsync(page, "sam.rivers@meadow.sch.uk");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Hello, Sam");
        await Scan();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await Scan();
        await page.GetByLabel("Work email address").FillAsync("sam.rivers@meadow.sch.uk");
        await page.GetByLabel("Password").FillAsync("kettle harbour violet nine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Enter your code");
        await Scan();
        await SecondFactorPrompt.PassAsync(page, "sam.rivers@meadow.sch.uk");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Hello, Sam");

        await page.GotoAsync(server.BaseUrl + "/people/import");
        await Scan();
        var bad = "Legal Surname,Preferred Forename,Work Email,Staff Code,Employment Type\nHussain,Layla,l.hussain@meadow.sch.uk,LHU,Permanent\nO'Neill,Conor,not-an-email,CON,Supply\n";
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "staff.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(bad) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        (await page.Locator("#problems tbody").TextContentAsync())!.ShouldContain("\"not-an-email\" is not an email address");
        (await page.TextContentAsync("main"))!.ShouldContain("nothing has been imported");
        await Scan();

        await page.GotoAsync(server.BaseUrl + "/people/import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "staff.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(bad.Replace("not-an-email", "c.oneill@meadow.sch.uk")) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        await Scan();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import 2 people" }).ClickAsync();
        (await page.TextContentAsync(".govuk-notification-banner"))!.ShouldContain("2 new");
        await Scan();

        await page.GetByLabel("Search by name, email, staff code or job title").FillAsync("layla");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Hussain, Layla" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync())!.Trim().ShouldStartWith("Layla Hussain");
        (await page.TextContentAsync("main"))!.ShouldContain("l.hussain@meadow.sch.uk");
        await Scan();
        if (Environment.GetEnvironmentVariable("SAFEUSE_SCREENSHOT") is { Length: > 0 } shot)
        {
            await page.GotoAsync(server.BaseUrl + "/people");
            await page.SetViewportSizeAsync(1100, 700);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        }

        await page.GotoAsync(server.BaseUrl + "/audit");
        (await page.TextContentAsync("#chain-status"))!.ShouldContain("Chain intact");
        await Scan();

        violations.ShouldBeEmpty();
    }
}
