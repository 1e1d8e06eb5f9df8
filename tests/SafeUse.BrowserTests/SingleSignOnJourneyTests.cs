using Microsoft.Playwright;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>
/// Signing in the way the school already does, end to end in Chromium: the trust administrator turns Microsoft sign-in
/// on for its tenant; a DSL (whose authenticator app the administrator reset) signs in through a real OpenID provider on
/// loopback, is made to set up a second factor and chooses a passkey (Chromium's virtual authenticator), signs out, and
/// signs in again with the passkey alone. Every page passes the axe-core scan.
/// </summary>
public sealed class SingleSignOnJourneyTests
{
    private const string Admin = "alex.morgan@demo.safeuse.test";
    private const string Tenant = "5d3e2b1a-7c4f-4e8a-9b21-0a6f3c9d8e17";

    [BrowserTheory, ServerDatabases]
    internal async Task A_DSL_signs_in_with_Microsoft_sets_up_a_passkey_and_next_time_signs_in_with_it(DatabaseProviderKind kind)
    {
        if (TestOidcProvider.Unavailable is { } why)
        {
            throw new InvalidOperationException(why);
        }

        var port = ServerFixture.FreePort();
        await using var provider = await TestOidcProvider.StartAsync(new Uri($"http://localhost:{port}"));
        var environment = new Dictionary<string, string>
        {
            ["SAFEUSE_SafeUse__Sso__Microsoft__ClientId"] = TestOidcProvider.ClientId,
            ["SAFEUSE_SafeUse__Sso__Microsoft__ClientSecret"] = TestOidcProvider.ClientSecret,
            ["SAFEUSE_SafeUse__Sso__Microsoft__Authority"] = provider.Issuer,
        };
        await using var server = new ServerFixture(kind, demo: true, host: "localhost", port: port, environment: environment);
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();
        async Task Scan(IPage p) => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(p));
        var dsl = await PasskeyJourneyTests.DslAsync(server);

        // The trust administrator turns Microsoft sign-in on for the trust's tenant, and resets the DSL's app.
        var adminContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var admin = await adminContext.NewPageAsync();
        await PasskeyJourneyTests.PasswordSignInAsync(admin, server, Admin);
        await SecondFactorPrompt.PassAsync(admin, Admin);
        await admin.GotoAsync(server.BaseUrl + "/settings/sso");
        (await admin.TextContentAsync("#registration-microsoft"))!.ShouldContain("set (not shown)");
        (await admin.ContentAsync()).ShouldNotContain(TestOidcProvider.ClientSecret);
        await Scan(admin);
        await admin.GetByLabel("Staff may sign in with Microsoft").CheckAsync();
        await admin.GetByLabel("Entra tenant ids allowed, one a line").FillAsync(Tenant);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        (await admin.Locator(".govuk-error-summary").CountAsync()).ShouldBe(0, await admin.Locator("main").InnerTextAsync());
        (await admin.TextContentAsync("main"))!.ShouldContain("Single sign-on settings saved.");
        await admin.GotoAsync($"{server.BaseUrl}/people/{dsl.Id}/second-factor/reset");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" }).ClickAsync();
        (await admin.TextContentAsync("main"))!.ShouldContain("is reset");
        await adminContext.CloseAsync();

        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        // Microsoft (the test provider) says who signs in: the DSL's work account, in the trust's tenant, password only.
        await provider.NextAsync(new NextLogin("entra-object-dsl-1", dsl.Email, Tid: Tenant, PreferredUsername: dsl.Email));
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await Scan(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Microsoft" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/account/second-factor/enrol", StringComparison.Ordinal), new() { Timeout = 60_000 });
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Set up your second factor");
        await Scan(page);
        await page.GetByLabel("Name for this passkey (optional)").FillAsync("Office laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up a passkey" }).ClickAsync();
        (await page.Locator(".govuk-panel__title").TextContentAsync(new() { Timeout = 60_000 })).ShouldBe("Your passkey is set up");
        (await page.Locator("#recovery-codes code").CountAsync()).ShouldBe(10);
        await Scan(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes, continue" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello");
        await page.GotoAsync(server.BaseUrl + "/account/security");
        (await page.TextContentAsync("main"))!.ShouldContain("Microsoft");
        await Scan(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(server.BaseUrl + "/", new() { Timeout = 60_000 });
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello");
        await page.GotoAsync(server.BaseUrl + "/account/sessions");
        (await page.TextContentAsync("tr[data-session='this']"))!.ShouldContain("with a passkey");
        await Scan(page);
        await page.GotoAsync(server.BaseUrl + "/incidents");
        new Uri(page.Url).AbsolutePath.ShouldBe("/incidents", "no code was asked for");
        violations.ShouldBeEmpty();
    }
}
