using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

public sealed partial class MyPoliciesJourneyTests
{
    private const string Password = "meadow copper lantern nine";

    private const string Document = """
        # Staff Acceptable Use Policy

        ## 1 Who this applies to

        - Everyone who works at the school.

        ## 2 Passwords

        - Use a passphrase of at least twelve characters.

        ## Declaration

        I agree to follow this policy.

        Signed
        """;

    [BrowserTheory, ServerDatabases]
    internal async Task A_member_of_staff_signs_then_finds_the_receipt_and_the_exact_text_through_my_policies(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind);
        await using var browser = await server.StartBrowserAsync();
        // axe-core is injected as a script, which the app's Content-Security-Policy would rightly block.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task Scan() => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        async Task Click(string name) => await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();

        // A trust with one member of staff and a published policy.
        await page.GotoAsync(server.BaseUrl + "/setup");
        await page.GetByLabel("Trust name").FillAsync("Fen Trust");
        await page.GetByLabel("First school's name").FillAsync("Fen School");
        await page.GetByLabel("First name").FillAsync("Sam");
        await page.GetByLabel("Last name").FillAsync("Rivers");
        await page.GetByLabel("Work email address").FillAsync("sam.rivers@fen.sch.uk");
        await page.GetByLabel("Password").FillAsync(Password);
        await Click("Create trust and sign in");
        await SecondFactorPrompt.PassAsync(page, "sam.rivers@fen.sch.uk");
        await page.GotoAsync(server.BaseUrl + "/people/import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "staff.csv", MimeType = "text/csv", Buffer = "First Name,Last Name,Work Email\nLayla,Hussain,layla@fen.sch.uk\n"u8.ToArray() });
        await Click("Upload and check");
        await Click("Import 1 person");
        await page.GotoAsync(server.BaseUrl + "/policies");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a policy" }).ClickAsync();
        await page.GetByLabel("Start from a file (optional)").SetInputFilesAsync(new FilePayload { Name = "aup.md", MimeType = "text/markdown", Buffer = System.Text.Encoding.UTF8.GetBytes(Document) });
        await Click("Read the file");
        // About, text, approval and review, signing and reminders: the file's answers stand.
        for (var step = 0; step < 4; step++)
        {
            await Click("Continue");
        }

        await Click("Create the policy");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit or publish the draft" }).ClickAsync();
        await Click("Publish version");
        await Click("Publish version 1.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Layla has nothing signed yet; My policies sends her to sign.
        await SignInByLinkAsync(page, server);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).GetByRole(AriaRole.Link, new() { Name = "My policies" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("My policies");
        (await page.TextContentAsync("#nothing-signed"))!.ShouldBe("You have not signed any policies yet.");
        await Scan();
        await page.Locator("#to-sign").GetByRole(AriaRole.Link, new() { Name = "Read and sign Staff Acceptable Use Policy" }).ClickAsync();
        await page.GetByLabel("I agree to follow this policy.").CheckAsync();
        await page.GetByLabel("Type your full name to sign").FillAsync("Layla Hussain");
        await Click("Sign the policy");
        (await page.TextContentAsync("#signed"))!.ShouldContain("You signed version 1.0");

        // Later, from home: the policy she signed, the exact text, and the receipt.
        await page.GetByRole(AriaRole.Link, new() { Name = "SafeUse" }).ClickAsync();
        await page.Locator("#my-policies").GetByRole(AriaRole.Link, new() { Name = "My policies" }).ClickAsync();
        (await page.TextContentAsync("#nothing-to-sign"))!.ShouldBe("You have nothing to sign.");
        var row = page.Locator("#signed tbody tr", new() { HasText = "Staff Acceptable Use Policy" });
        (await row.TextContentAsync())!.ShouldContain("1.0");
        await Scan();
        await row.GetByRole(AriaRole.Link, new() { Name = "Text you signed for Staff Acceptable Use Policy version 1.0" }).ClickAsync();
        (await page.Locator("h1.govuk-heading-l").TextContentAsync())!.ShouldContain("Version 1.0");
        (await page.TextContentAsync("#policy-text"))!.ShouldContain("Use a passphrase of at least twelve characters.");
        (await page.TextContentAsync("#declaration"))!.ShouldBe("I agree to follow this policy.");
        (await page.TextContentAsync("#you-signed"))!.ShouldContain("You signed this version on");
        await Scan();

        await page.GoBackAsync();
        await page.Locator("#signed tbody tr", new() { HasText = "Staff Acceptable Use Policy" })
            .GetByRole(AriaRole.Link, new() { Name = "Receipt for Staff Acceptable Use Policy version 1.0" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Signed policies");
        (await page.Locator("[id^='signature-']").TextContentAsync())!.ShouldContain("Typed name");
        page.Url.ShouldContain("#signature-");
        await Scan();
        await page.GetByRole(AriaRole.Link, new() { Name = "Read the exact text of version 1.0 of Staff Acceptable Use Policy" }).ClickAsync();
        (await page.TextContentAsync("#policy-text"))!.ShouldContain("Everyone who works at the school.");

        violations.ShouldBeEmpty();
    }

    /// <summary>Asks for a link, then follows it from the newest email in the outbox, as Layla would from her inbox.</summary>
    private static async Task SignInByLinkAsync(IPage page, ServerFixture server)
    {
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "get a sign-in link by email" }).ClickAsync();
        await page.GetByLabel("Work email address").FillAsync("layla@fen.sch.uk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Check your email");
        await using var connection = await server.OpenDatabaseAsync();
        await using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT body FROM outbox_email WHERE to_address = 'layla@fen.sch.uk' AND sensitive ORDER BY id DESC LIMIT 1";
        var body = (string)(await cmd.ExecuteScalarAsync())!;
        await page.GotoAsync(server.BaseUrl + new Uri(Link().Match(body).Value).PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to SafeUse" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Hello, Layla");
    }

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex Link();
}
