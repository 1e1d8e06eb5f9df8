using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>
/// In the demo trust, a Head witnesses a signature on a shared device: chooses the person, hands over a locked signing
/// screen that leads nowhere else, takes the device back with their password, and finds the signature in the register.
/// </summary>
public sealed class WitnessJourneyTests
{
    private const string Password = "demo-safeuse-password";
    private const string PolicyTitle = "Staff ICT Acceptable Use Policy";

    [BrowserTheory, ServerDatabases]
    internal async Task A_head_hands_over_a_locked_signing_screen_and_confirms_the_signature_they_witnessed(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        async Task Scan() => violations.AddRange(await ServerFixture.AccessibilityViolationsAsync(page));
        async Task Click(string name) => await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();
        async Task<string> Heading() => (await page.Locator("h1").First.TextContentAsync())!.Trim();

        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByLabel("Work email address").FillAsync("tom.king@demo.safeuse.test");
        await page.GetByLabel("Password").FillAsync(Password);
        await Click("Sign in");
        await SecondFactorPrompt.PassAsync(page, "tom.king@demo.safeuse.test");
        (await Heading()).ShouldBe("Hello, Tom");

        // The Head opens the policy and chooses who is signing: no policy text yet.
        await page.GotoAsync(server.BaseUrl + "/policies");
        await page.GetByRole(AriaRole.Link, new() { Name = PolicyTitle, Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in person (witnessed)" }).ClickAsync();
        (await Heading()).ShouldBe(PolicyTitle);
        (await page.Locator("#policy-text").CountAsync()).ShouldBe(0);
        await Scan();
        var option = page.Locator("#PersonId option").First;
        var name = (await option.TextContentAsync())!.Replace(" (no email)", "", StringComparison.Ordinal).Trim();
        await page.Locator("#PersonId").SelectOptionAsync((await option.GetAttributeAsync("value"))!);
        await Click("Hand over for signing");

        // The locked screen: the policy and the declaration for that person, and no menu or way out.
        page.Url.ShouldEndWith("/witness/signing");
        (await page.TextContentAsync("#signer"))!.ShouldContain($"For {name} to read and sign, witnessed by Tom King.");
        (await page.TextContentAsync("#policy-text"))!.Length.ShouldBeGreaterThan(1000);
        (await page.Locator("nav").CountAsync()).ShouldBe(0);
        (await page.Locator("a[href]:not([href^='#'])").CountAsync()).ShouldBe(0);
        (await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).CountAsync()).ShouldBe(0);
        await Scan();
        await page.GotoAsync(server.BaseUrl + "/people");
        page.Url.ShouldEndWith("/witness/signing");

        await page.Locator("#Agreed").CheckAsync();
        await page.GetByLabel("Type your full name to sign").FillAsync(name);
        await Click("Sign the policy");

        // Back to the witness, who confirms with their password.
        page.Url.ShouldEndWith("/witness/confirm");
        (await Heading()).ShouldBe("Hand the device back to Tom King");
        (await page.TextContentAsync("#outcome"))!.ShouldContain($"{name} has signed");
        (await page.Locator("nav").CountAsync()).ShouldBe(0);
        await Scan();
        await page.GetByLabel("Tom King, enter your password").FillAsync(Password);
        await Click("Confirm I witnessed this signature");
        (await page.TextContentAsync(".govuk-notification-banner--success"))!.ShouldContain($"{name} has signed, witnessed by Tom King.");
        (await page.Locator("nav").CountAsync()).ShouldBe(1);
        await Scan();

        // The register shows the signature as witnessed in person.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign-off register" }).ClickAsync();
        var family = name[(name.LastIndexOf(' ') + 1)..];
        var given = name[..name.LastIndexOf(' ')];
        await page.GotoAsync(page.Url.Split('?')[0] + "?q=" + Uri.EscapeDataString(family));
        var row = page.Locator("#register tbody tr", new() { HasText = $"{family}, {given}" });
        (await row.TextContentAsync())!.ShouldContain("(in person, witnessed)");
        await Scan();

        violations.ShouldBeEmpty();
    }
}
