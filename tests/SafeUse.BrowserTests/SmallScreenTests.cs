using Microsoft.Playwright;
using SafeUse.Platform.Data;
using Shouldly;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>
/// On a phone-sized screen (375 CSS pixels wide) the header's Menu button opens and closes the service navigation, and
/// the main pages fit the width without scrolling sideways, in one font, and pass the axe-core scan.
/// </summary>
public sealed class SmallScreenTests
{
    private const string Password = "demo-safeuse-password";
    private const string Administrator = "alex.morgan@demo.safeuse.test";
    private const int Width = 375;

    private static BrowserNewContextOptions Phone(bool bypassCsp = false, bool javaScript = true) => new()
    {
        ViewportSize = new ViewportSize { Width = Width, Height = 740 },
        BypassCSP = bypassCsp,
        JavaScriptEnabled = javaScript,
    };

    [BrowserTheory, ServerDatabases]
    internal async Task On_a_phone_the_menu_opens_and_each_main_page_fits_the_screen_and_passes_the_scan(DatabaseProviderKind kind)
    {
        await using var server = new ServerFixture(kind, demo: true);
        await using var browser = await server.StartBrowserAsync();

        // Under the site's own Content-Security-Policy (no bypass), so the menu is known to work with it.
        var page = await SignInAsync(await browser.NewContextAsync(Phone()), server);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" });
        var menu = nav.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var people = nav.GetByRole(AriaRole.Link, new() { Name = "People" });
        (await menu.GetAttributeAsync("aria-controls")).ShouldBe("navigation");
        (await menu.GetAttributeAsync("aria-expanded")).ShouldBe("false");
        (await people.IsVisibleAsync()).ShouldBeFalse();
        await menu.ClickAsync();
        (await menu.GetAttributeAsync("aria-expanded")).ShouldBe("true");
        (await people.IsVisibleAsync()).ShouldBeTrue();
        (await nav.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).IsVisibleAsync()).ShouldBeTrue();
        await menu.ClickAsync();
        (await menu.GetAttributeAsync("aria-expanded")).ShouldBe("false");
        (await people.IsVisibleAsync()).ShouldBeFalse();
        await menu.ClickAsync();
        await people.ClickAsync();
        (await page.Locator("h1").TextContentAsync())!.Trim().ShouldBe("People");

        // Without JavaScript there is no button to press: the links are simply shown.
        var plain = await SignInAsync(await browser.NewContextAsync(Phone(javaScript: false)), server);
        var plainNav = plain.GetByRole(AriaRole.Navigation, new() { Name = "Menu" });
        (await plainNav.GetByRole(AriaRole.Link, new() { Name = "People" }).IsVisibleAsync()).ShouldBeTrue();
        (await plainNav.Locator("button").IsVisibleAsync()).ShouldBeFalse();

        // The scan injects axe-core as a script, which the site's policy would refuse.
        var tour = await SignInAsync(await browser.NewContextAsync(Phone(bypassCsp: true)), server);
        var problems = new List<string>();

        async Task VisitAsync(string path)
        {
            var response = await tour.GotoAsync(server.BaseUrl + path);
            if (response is null || response.Status != 200)
            {
                problems.Add($"{path}: status {response?.Status}");
                return;
            }

            var scrollWidth = await tour.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (scrollWidth > Width)
            {
                // The outermost elements that stick out (their parent does not), to say what to fix.
                var widest = await tour.EvaluateAsync<string>(
                    "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w && e.parentElement.getBoundingClientRect().right <= w)" +
                    ".slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' \"' + e.textContent.trim().slice(0, 40) + '\"').join('; ')", Width);
                problems.Add($"{path}: {scrollWidth} px wide ({widest})");
            }

            var fonts = await tour.EvaluateAsync<string[]>(
                "() => [...new Set([...document.querySelectorAll('body, h1, p, a, label, input, select, textarea, button, th, td, li')]" +
                ".map(e => getComputedStyle(e).fontFamily))]");
            if (fonts.Length != 1 || fonts[0] != "arial, sans-serif")
            {
                problems.Add($"{path}: fonts {string.Join(" | ", fonts)}");
            }

            problems.AddRange(await ServerFixture.AccessibilityViolationsAsync(tour));
        }

        await VisitAsync("/");
        await VisitAsync("/policies");
        var policy = await tour.Locator("#dashboard a[href^='/policies/']").First.GetAttributeAsync("href");
        await VisitAsync(policy!);
        await VisitAsync(policy + "/register");
        await VisitAsync("/people");
        var person = await tour.Locator("main table a[href^='/people/']").First.GetAttributeAsync("href");
        await VisitAsync(person!);
        await VisitAsync("/audit");
        await VisitAsync("/audit?from.Day=31&from.Month=2&from.Year=2026");
        await VisitAsync("/my/policies");
        foreach (var footer in new[] { "Accessibility statement", "Privacy notice", "Cookies" })
        {
            var href = await tour.Locator("footer").GetByRole(AriaRole.Link, new() { Name = footer, Exact = true }).GetAttributeAsync("href");
            await VisitAsync(href!);
        }

        problems.ShouldBeEmpty();
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context, ServerFixture server)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseUrl + "/account/sign-in");
        await page.GetByLabel("Work email address").FillAsync(Administrator);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await SecondFactorPrompt.PassAsync(page, Administrator);
        (await page.Locator("h1").TextContentAsync())!.ShouldStartWith("Hello, ");
        return page;
    }
}
