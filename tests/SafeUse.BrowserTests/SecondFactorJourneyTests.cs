using Microsoft.Playwright;
using OtpNet;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>
/// A Head whose phone was replaced: the administrator resets their second factor; at their next sign-in they must set
/// up an authenticator app before anything else, keep their recovery codes, and can use a recovery code once (and
/// never twice). Their sessions page shows this browser. Every page passes the axe-core scan.
/// </summary>
public sealed class SecondFactorJourneyTests
{
    private const string Password = "demo-safeuse-password";
    private const string Head = "tom.king@demo.safeuse.test";

    [BrowserTheory, ServerDatabases]
    internal async Task A_head_sets_up_an_authenticator_app_and_uses_a_recovery_code_once(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();
        var violations = new List<string>();

        // The trust administrator resets the Head's second factor.
        var admin = await (await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true })).NewPageAsync();
        await SignInAsync(admin, "alex.morgan@demo.safeuse.test");
        await SecondFactorPrompt.PassAsync(admin, "alex.morgan@demo.safeuse.test");
        await admin.GotoAsync(server.BaseUrl + "/people?q=tom.king");
        await admin.GetByRole(AriaRole.Link, new() { Name = "King, Tom" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Reset second factor" }).ClickAsync();
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(admin));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reset second factor" }).ClickAsync();
        (await admin.TextContentAsync(".govuk-notification-banner"))!.ShouldContain("is reset and they have been emailed");

        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true })).NewPageAsync();
        await SignInAsync(page, Head);
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Set up your authenticator app");
        // Nothing else opens until it is done.
        await page.GotoAsync(server.BaseUrl + "/incidents");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Set up your authenticator app");
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        var secret = Base32Encoding.ToBytes((await page.Locator("#secret").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal));
        var lastStep = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        await page.GetByLabel("Code from the app").FillAsync(new Totp(secret).ComputeTotp(DateTime.UnixEpoch.AddSeconds(lastStep * 30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        var codes = (await page.Locator("#recovery-codes code").AllTextContentsAsync()).Select(c => c.Trim()).ToList();
        codes.Count.ShouldBe(10);
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes, continue" }).ClickAsync();
        // On to the page they asked for.
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Incidents");
        await SignOutAsync(page);

        // The phone is at home: a recovery code gets the Head in, once.
        await SignInAsync(page, Head);
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Enter your code");
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Hello, Tom");
        await page.GotoAsync(server.BaseUrl + "/account/security");
        (await page.TextContentAsync("#codes-left"))!.ShouldContain("9 of 10 left");
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        await page.GetByRole(AriaRole.Link, new() { Name = "See and sign out your sessions" }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Your sessions");
        (await page.TextContentAsync("tr[data-session='this']"))!.ShouldContain("Chrome on Linux");
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        await SignOutAsync(page);

        await SignInAsync(page, Head);
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Enter your code");
        (await page.TextContentAsync(".govuk-error-summary"))!.ShouldContain("it has been used already");
        violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        // The app's next code still works (each step is taken once).
        var step = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30, lastStep + 1);
        while (step > DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 + 1)
        {
            await Task.Delay(1000);
        }

        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(new Totp(secret).ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * 30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Hello, Tom");

        violations.ShouldBeEmpty();

        async Task SignInAsync(IPage p, string email)
        {
            await p.GotoAsync(server.BaseUrl + "/account/sign-in");
            await p.GetByLabel("Work email address").FillAsync(email);
            await p.GetByLabel("Password").FillAsync(Password);
            await p.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await p.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        }
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        (await page.Locator("h1").TextContentAsync()).ShouldBe("You have signed out");
    }
}
