using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

public sealed partial class PolicyJourneyTests
{
    private const string Password = "orchard lantern copper seven";

    private const string Version1 = """
        ## 1 Who this applies to

        - Everyone who works at the school.

        ## 2 Passwords

        - Use a passphrase of at least twelve characters.
          - Three unrelated words are a good start.
        """;

    private const string Document = "# Staff Acceptable Use Policy\n\nNext review: Summer Term 2027\n\n" + Version1 + "\n\n## Declaration\n\nI agree to follow this policy.\n\nSigned\n";

    [BrowserTheory, ServerDatabases]
    internal async Task An_administrator_publishes_a_policy_staff_sign_it_and_see_what_changed_in_the_next_version(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind);
        await using var browser = await server.StartBrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task Scan() => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        async Task Click(string name) => await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();

        // Set up, and bring in one member of staff.
        await page.GotoAsync(server.BaseUrl + "/setup");
        await page.GetByLabel("Trust name").FillAsync("Brook Trust");
        await page.GetByLabel("First school's name").FillAsync("Brook School");
        await page.GetByLabel("First name").FillAsync("Sam");
        await page.GetByLabel("Last name").FillAsync("Rivers");
        await page.GetByLabel("Work email address").FillAsync("sam.rivers@brook.sch.uk");
        await page.GetByLabel("Password").FillAsync(Password);
        await Click("Create trust and sign in");
        await SecondFactorPrompt.PassAsync(page, "sam.rivers@brook.sch.uk");
        await page.GotoAsync(server.BaseUrl + "/people/import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "staff.csv", MimeType = "text/csv", Buffer = "First Name,Last Name,Work Email\nLayla,Hussain,layla@brook.sch.uk\n"u8.ToArray() });
        await Click("Upload and check");
        await Click("Import 1 person");

        // The administrator adds the policy and publishes it.
        await page.GotoAsync(server.BaseUrl + "/policies");
        await Scan();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a policy" }).ClickAsync();
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("About the policy");
        await Scan();
        await page.GetByLabel("Start from a file (optional)").SetInputFilesAsync(new FilePayload { Name = "aup.md", MimeType = "text/markdown", Buffer = System.Text.Encoding.UTF8.GetBytes(Document) });
        await Click("Read the file");

        // Step 1 of 4: what the file said fills the steps, to check one by one.
        (await page.TextContentAsync("#imported"))!.ShouldContain("2 sections, 3 clauses, 0 tables");
        (await page.GetByLabel("Title", new() { Exact = true }).InputValueAsync()).ShouldBe("Staff Acceptable Use Policy");
        await Scan();
        await Click("Continue");

        // Step 2: the text and the declaration read from the file.
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("The policy's text");
        (await page.GetByLabel("Declaration staff agree to when they sign").InputValueAsync()).ShouldBe("I agree to follow this policy.");
        (await page.TextContentAsync("#preview"))!.ShouldContain("passphrase of at least twelve characters");
        await Scan();
        await Click("Continue");

        // Step 3: a term is its own choice beside a date; the date approved is typed in day, month and year boxes.
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Approval and review");
        (await page.Locator("#Policy_NextReview_Kind_Term").IsCheckedAsync()).ShouldBeTrue();
        (await page.Locator("#Policy_NextReview_Term").InputValueAsync()).ShouldBe("Summer");
        (await page.Locator("#Policy_NextReview_TermYear").InputValueAsync()).ShouldBe("2027");
        await page.Locator("#Policy_Approved_Day").FillAsync("14");
        await page.Locator("#Policy_Approved_Year").FillAsync("2025");
        await Click("Continue");
        (await page.TextContentAsync(".govuk-error-summary"))!.ShouldContain("Date approved must include a month");
        await Scan();
        await page.Locator("#Policy_Approved_Month").FillAsync("7");
        await Click("Continue");

        // Step 4: the reminder schedule as steps, with one more added.
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Signing and reminders");
        var steps = await page.Locator("legend", new() { HasTextRegex = StepLegend() }).CountAsync();
        await Click("Add another step");
        (await page.Locator("legend", new() { HasTextRegex = StepLegend() }).CountAsync()).ShouldBe(steps + 1);
        await page.Locator($"#Policy_Reminders_{steps}__Days").FillAsync("3");
        await page.Locator($"#Policy_Reminders_{steps}__When").SelectOptionAsync("before-due");
        await Scan();
        await Click("Continue");

        // Check your answers, change one, come back, and create.
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Check your answers before creating the policy");
        (await page.TextContentAsync("#answers-review"))!.ShouldContain("Summer Term 2027");
        (await page.TextContentAsync("#answers-review"))!.ShouldContain("14 July 2025");
        (await page.TextContentAsync("#answers-reminders"))!.ShouldContain("3 days before the due date: a reminder to the member of staff");
        await Scan();
        await page.GetByRole(AriaRole.Link, new() { Name = "Change declaration" }).ClickAsync();
        await page.GetByLabel("Declaration staff agree to when they sign").FillAsync("I have read this policy and agree to follow it.");
        await Click("Continue");
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Check your answers before creating the policy");
        (await page.TextContentAsync("#answers-text"))!.ShouldContain("I have read this policy and agree to follow it.");
        await Click("Create the policy");
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Staff Acceptable Use Policy");
        (await page.TextContentAsync("#reminders"))!.ShouldContain("3 days before the due date: a reminder to the member of staff");
        await Scan();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit or publish the draft" }).ClickAsync();
        await Scan();
        await Click("Publish version");

        // Publishing says how many will be asked and emailed, and waits to be confirmed.
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Publish version 1.0?");
        (await page.TextContentAsync("#publish-count"))!.ShouldContain("asks 2 people to sign; 2 will be emailed.");
        await Scan();
        await Click("Publish version 1.0");
        (await page.TextContentAsync(".govuk-notification-banner"))!.ShouldContain("2 people have been asked to sign");

        // Layla signs in with an emailed link, reads and signs.
        await SignOutAsync(page);
        await SignInByLinkAsync(page, server);
        await page.GetByRole(AriaRole.Link, new() { Name = "Read and sign Staff Acceptable Use Policy (version 1.0)", Exact = false }).ClickAsync();
        (await page.TextContentAsync("#policy-text"))!.ShouldContain("passphrase of at least twelve characters");
        (await page.TextContentAsync("#policy-text dl.govuk-summary-list"))!.ShouldContain("Summer Term 2027");
        await Scan();
        await page.GetByLabel("I have read this policy and agree to follow it.").CheckAsync();
        await page.GetByLabel("Type your full name to sign").FillAsync("Layla Hussain");
        await Click("Sign the policy");
        (await page.TextContentAsync("#signed"))!.ShouldContain("You signed version 1.0");
        await page.GetByRole(AriaRole.Link, new() { Name = "Your receipt of signed policies" }).ClickAsync();
        (await page.TextContentAsync("main"))!.ShouldContain("Staff Acceptable Use Policy, version 1.0");
        await Scan();

        // The register shows her signed; the administrator publishes a material change.
        await SignOutAsync(page);
        await SignInAsync(page, server, "sam.rivers@brook.sch.uk");
        await page.GotoAsync(server.BaseUrl + "/policies");
        await page.GetByRole(AriaRole.Link, new() { Name = "Staff Acceptable Use Policy" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign-off register" }).ClickAsync();
        (await page.Locator("#register tbody tr", new() { HasText = "Hussain, Layla" }).TextContentAsync())!.ShouldContain("Signed");
        await Scan();
        if (Environment.GetEnvironmentVariable("SAFEUSE_SCREENSHOT_DIR") is { Length: > 0 } registerShots)
        {
            await page.SetViewportSizeAsync(1100, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(registerShots, "register.png") });
        }
        await page.GoBackAsync();
        await Click("Start a new draft");
        await page.GetByLabel("Text (Markdown)").FillAsync(await page.GetByLabel("Text (Markdown)").InputValueAsync() + "\n- Turn on two-step sign-in for your school email.\n");
        await Click("Save draft");
        await page.GetByLabel("Version number").FillAsync("2.0");
        await page.GetByLabel("Material: everyone signs again").CheckAsync();
        await page.GetByLabel("Summary of the change (for the version history)").FillAsync("Two-step sign-in");
        await Click("Publish version");
        (await page.TextContentAsync("#publish-count"))!.ShouldContain("Publishing version 2.0 asks 2 people to sign");
        await Click("Publish version 2.0");
        (await page.TextContentAsync("#history"))!.ShouldContain("Two-step sign-in");
        await Scan();

        // Layla is asked again and sees what changed first.
        await SignOutAsync(page);
        await SignInByLinkAsync(page, server);
        await page.GetByRole(AriaRole.Link, new() { Name = "Read and sign Staff Acceptable Use Policy (version 2.0)", Exact = false }).ClickAsync();
        (await page.TextContentAsync("main"))!.ShouldContain("What changed since you signed version 1.0");
        (await page.TextContentAsync("#changes ins"))!.ShouldContain("Turn on two-step sign-in");
        await Scan();
        if (Environment.GetEnvironmentVariable("SAFEUSE_SCREENSHOT_DIR") is { Length: > 0 } shots)
        {
            await page.SetViewportSizeAsync(1100, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "sign.png") });
        }

        violations.ShouldBeEmpty();
    }

    private static async Task SignOutAsync(IPage page) => await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

    private static async Task SignInAsync(IPage page, ServerFixture server, string email)
    {
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByLabel("Work email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await SecondFactorPrompt.PassAsync(page, email);
    }

    /// <summary>Asks for a link, then follows it from the newest email in the outbox, as Layla would from her inbox.</summary>
    private static async Task SignInByLinkAsync(IPage page, ServerFixture server)
    {
        await page.GotoAsync(server.BaseUrl + "/account/email-link");
        await page.GetByLabel("Work email address").FillAsync("layla@brook.sch.uk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Check your email");
        await using var connection = await server.OpenDatabaseAsync();
        await using DbCommand cmd = connection.CreateCommand();
        // A bare boolean column reads the same in SQLite (0/1) and PostgreSQL (boolean).
        cmd.CommandText = "SELECT body FROM outbox_email WHERE to_address = 'layla@brook.sch.uk' AND sensitive ORDER BY id DESC LIMIT 1";
        var body = (string)(await cmd.ExecuteScalarAsync())!;
        await page.GotoAsync(server.BaseUrl + new Uri(Link().Match(body).Value).PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to SafeUse" }).ClickAsync();
        (await page.Locator("h1").First.TextContentAsync()).ShouldBe("Hello, Layla");
    }

    [GeneratedRegex(@"^Step \d+$")]
    private static partial Regex StepLegend();

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex Link();
}
