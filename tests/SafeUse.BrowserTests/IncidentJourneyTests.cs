using System.Data.Common;
using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>Reports in the demo trust, as the people involved would make and handle them, with the axe-core scan on each page.</summary>
public sealed class IncidentJourneyTests
{
    private const string Password = "demo-safeuse-password";

    private static async Task<IPage> SignInAsync(IBrowser browser, ServerFixture server, string who)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByLabel("Work email address").FillAsync(who + "@demo.safeuse.test");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await SecondFactorPrompt.PassAsync(page, who + "@demo.safeuse.test");
        return page;
    }

    private static Task Click(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();

    private static async Task<List<(string To, string Subject, string Body)>> EmailsAsync(ServerFixture server, string reference)
    {
        await using var connection = await server.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT to_address, subject, body FROM outbox_email";
        var emails = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetString(1).Contains(reference, StringComparison.Ordinal))
            {
                emails.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return emails;
    }

    [BrowserTheory, ServerDatabases]
    internal async Task A_lost_laptop_with_pupil_data_reaches_IT_and_the_DPO_without_details_and_the_DPO_decides_and_closes_it(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();
        async Task Scan(IPage p) => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(p));

        // A member of staff reports from the menu, one click from any page.
        var staff = await SignInAsync(browser, server, "poppy.thompson");
        await staff.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).GetByRole(AriaRole.Link, new() { Name = "Report a concern" }).ClickAsync();
        (await staff.Locator("h1").TextContentAsync()).ShouldBe("Report a concern");
        await Scan(staff);
        await staff.GetByLabel("Lost or stolen device").CheckAsync();
        await Click(staff, "Continue");
        (await staff.Locator("h1").TextContentAsync()).ShouldBe("Lost or stolen device");
        await Click(staff, "Send the report");
        (await staff.TextContentAsync(".govuk-error-summary"))!.ShouldContain("Say what happened");
        await Scan(staff);
        await staff.GetByLabel("What happened").FillAsync("My class laptop was taken from my car at the leisure centre.");
        await staff.GetByLabel("Which device (its asset tag or description)").FillAsync("RPS-LT-118");
        await staff.GetByLabel("Where and when it was last seen").FillAsync("Car park, 17:40");
        await staff.Locator("#Answers_held-personal-data_").CheckAsync();
        await Click(staff, "Send the report");
        var receipt = (await staff.TextContentAsync("#receipt"))!;
        var reference = System.Text.RegularExpressions.Regex.Match(receipt, @"[A-Z0-9]+-\d{4}-\d{4}").Value;
        reference.ShouldNotBeEmpty();
        (await staff.TextContentAsync("#my-reports"))!.ShouldContain("Received");
        await Scan(staff);

        // The IT lead and the DPO are emailed: a reference, the kind's general name and a link, nothing of the report.
        var emails = await EmailsAsync(server, reference);
        emails.Select(e => e.To).ShouldBe(["alex.morgan@demo.safeuse.test", "daniel.clarke@demo.safeuse.test"], ignoreOrder: true);
        emails.ShouldAllBe(e => e.Subject == $"New report {reference}: Lost or stolen device" && !e.Body.Contains("RPS-LT-118") && !e.Body.Contains("leisure") && !e.Body.Contains("Poppy"));

        // The DPO finds it on home with the 72-hour clock, records the decision and closes it.
        var dpo = await SignInAsync(browser, server, "daniel.clarke");
        var item = dpo.Locator("main li", new() { HasText = reference + ": personal-data breach" });
        (await item.TextContentAsync())!.ShouldContain("left to decide whether to tell the ICO");
        await Scan(dpo);
        await item.GetByRole(AriaRole.Link).First.ClickAsync();
        (await dpo.Locator("h1").TextContentAsync())!.ShouldBe($"{reference}: Lost or stolen device");
        (await dpo.TextContentAsync("#breach-clock"))!.ShouldContain("If it must be reported to the ICO");
        (await dpo.TextContentAsync("#time-left"))!.ShouldMatch(@"^(2 days \d+ hours?|3 days) left$");
        await Scan(dpo);
        await Click(dpo, "Acknowledge: I am looking at it");
        await dpo.GetByLabel("Decision and the reasons for it").FillAsync("The laptop is encrypted and the password was not with it: a low risk to pupils, so not reported to the ICO.");
        await Click(dpo, "Record the decision");
        (await dpo.TextContentAsync("#entries"))!.ShouldContain("not reported to the ICO");
        await Click(dpo, "Close it");
        (await dpo.TextContentAsync(".govuk-error-summary"))!.ShouldContain("Choose the outcome");
        await Scan(dpo);
        await dpo.GetByLabel("No further action").CheckAsync();
        await dpo.GetByLabel("Closing note").FillAsync("Device locked and wiped remotely; police crime reference given to IT.");
        await Click(dpo, "Close it");
        (await dpo.TextContentAsync("#outcome"))!.ShouldBe("No further action");
        await Scan(dpo);

        // The reporter sees it closed, and nothing the handlers wrote.
        await staff.ReloadAsync();
        (await staff.TextContentAsync("#my-reports"))!.ShouldContain("Closed");
        (await staff.TextContentAsync("main"))!.ShouldNotContain("wiped");

        violations.ShouldBeEmpty();
    }

    [BrowserTheory, ServerDatabases]
    internal async Task A_concern_about_the_Head_reaches_the_chair_of_governors_and_never_the_Head(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();
        async Task Scan(IPage p) => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(p));

        // The administrator names the primary school's chair of governors.
        var admin = await SignInAsync(browser, server, "alex.morgan");
        await admin.GotoAsync(server.BaseUrl + "/schools");
        await admin.GetByLabel("Their work email").FillAsync("mohammed.harrison@demo.safeuse.test");
        await admin.GetByLabel("Role").SelectOptionAsync("ChairOfGovernors");
        await admin.GetByLabel("Where").SelectOptionAsync(new SelectOptionValue { Label = "Riverside Primary School" });
        await Click(admin, "Give role");
        (await admin.TextContentAsync(".govuk-notification-banner"))!.ShouldContain("Mohammed Harrison is now Chair of Governors for Riverside Primary School.");

        // A member of staff raises a concern about the Head, who is also the school's DSL.
        var staff = await SignInAsync(browser, server, "poppy.thompson");
        await staff.GotoAsync(server.BaseUrl + "/report");
        await staff.GetByLabel("A concern about a colleague's conduct").CheckAsync();
        await Click(staff, "Continue");
        (await staff.TextContentAsync("#restricted-note"))!.ShouldContain("Only the case manager");
        await Scan(staff);
        await staff.GetByLabel("What happened").FillAsync("Asked a pupil to send photos to a personal phone.");
        await staff.GetByLabel("Who the concern is about").SelectOptionAsync(new SelectOptionValue { Label = "Tom King" });
        await Click(staff, "Send the report");
        var reference = System.Text.RegularExpressions.Regex.Match((await staff.TextContentAsync("#receipt"))!, @"[A-Z0-9]+-\d{4}-\d{4}").Value;
        reference.ShouldNotBeEmpty();

        var emails = await EmailsAsync(server, reference);
        emails.Select(e => e.To).ShouldBe(["mohammed.harrison@demo.safeuse.test"]);
        emails.ShouldAllBe(e => e.Subject == $"New report {reference}: A restricted record" && !e.Body.Contains("Tom") && !e.Body.Contains("photos"));

        // The chair sees it in their inbox; the Head finds no trace of it.
        var chair = await SignInAsync(browser, server, "mohammed.harrison");
        await chair.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).GetByRole(AriaRole.Link, new() { Name = "Incidents" }).ClickAsync();
        await Scan(chair);
        await chair.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        (await chair.TextContentAsync("#subject"))!.ShouldBe("Tom King");
        (await chair.TextContentAsync("#restricted-note"))!.ShouldContain("every view is recorded");
        await Scan(chair);
        var id = chair.Url.Split('/').Last();

        var head = await SignInAsync(browser, server, "tom.king");
        (await head.TextContentAsync("main"))!.ShouldNotContain(reference);
        await head.GotoAsync(server.BaseUrl + "/incidents?Status=all");
        (await head.TextContentAsync("main"))!.ShouldNotContain(reference);
        var direct = await head.GotoAsync(server.BaseUrl + "/incidents/" + id);
        direct!.Status.ShouldBe(404);

        violations.ShouldBeEmpty();
    }
}
