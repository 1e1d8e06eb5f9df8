using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>
/// Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain) stands in for
/// a laptop's fingerprint reader, with user verification and room for discoverable credentials.
/// </summary>
public sealed class PasskeyJourneyTests
{
    private const string Password = "demo-safeuse-password";
    private const string Admin = "alex.morgan@demo.safeuse.test";

    /// <summary>The demo's safeguarding lead of the secondary school (not also its Head), by email and id.</summary>
    internal static async Task<(long Id, string Email)> DslAsync(ServerFixture server)
    {
        await using var connection = await server.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.id, p.email FROM person p
            WHERE EXISTS (SELECT 1 FROM role_assignment r WHERE r.person_id = p.id AND r.role = 'Dsl')
              AND NOT EXISTS (SELECT 1 FROM role_assignment r WHERE r.person_id = p.id AND r.role = 'Head')
            ORDER BY p.id
            """;
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the demo has a DSL who is not the Head");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    internal static async Task PasswordSignInAsync(IPage page, ServerFixture server, string email)
    {
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByLabel("Work email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    [BrowserTheory, ServerDatabases]
    internal async Task A_DSL_made_to_enrol_sets_up_a_passkey_and_next_time_signs_in_with_it_alone(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true, host: "localhost");
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();
        async Task Scan(IPage p) => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(p));
        var dsl = await DslAsync(server);

        // The demo gives every DSL an authenticator app; the administrator resets this one's, so they start with none.
        var adminContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var admin = await adminContext.NewPageAsync();
        await PasswordSignInAsync(admin, server, Admin);
        await SecondFactorPrompt.PassAsync(admin, Admin);
        await admin.GotoAsync($"{server.BaseUrl}/people/{dsl.Id}/second-factor/reset");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" }).ClickAsync();
        (await admin.TextContentAsync("main"))!.ShouldContain("is reset");
        await adminContext.CloseAsync();

        // axe-core is injected as a script, which the app's Content-Security-Policy would rightly block.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });

        await PasswordSignInAsync(page, server, dsl.Email);
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/second-factor/enrol");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Set up your second factor");
        (await page.Locator("#passkey-unsupported").IsVisibleAsync()).ShouldBeFalse("Chromium has WebAuthn");
        await Scan(page);
        await page.GetByLabel("Name for this passkey (optional)").FillAsync("Office laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up a passkey" }).ClickAsync();
        (await page.Locator(".govuk-panel__title").TextContentAsync(new() { Timeout = 60_000 })).ShouldBe("Your passkey is set up");
        (await page.Locator("#recovery-codes code").CountAsync()).ShouldBe(10);
        await Scan(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes, continue" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello");

        await page.GotoAsync(server.BaseUrl + "/account/security");
        (await page.Locator("#passkeys").TextContentAsync())!.ShouldContain("Office laptop");
        await Scan(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await Scan(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(server.BaseUrl + "/", new() { Timeout = 60_000 });
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello");
        await page.GotoAsync(server.BaseUrl + "/incidents");
        new Uri(page.Url).AbsolutePath.ShouldBe("/incidents", "no code was asked for");
        violations.ShouldBeEmpty();
    }
}
