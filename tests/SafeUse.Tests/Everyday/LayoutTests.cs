using System.Net;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Http;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>What every page shares: the header's service navigation and the footer's statements.</summary>
public sealed class LayoutTests
{
    private static readonly (string Link, string Heading)[] FooterPages =
    [
        ("Accessibility statement", "Accessibility statement for SafeUse"),
        ("Privacy notice", "Privacy notice"),
        ("Cookies", "Cookies"),
    ];

    [Theory, BothDatabases]
    public async Task The_footer_links_to_the_accessibility_statement_privacy_notice_and_cookies_which_anyone_may_read(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);

        // Before setup every other page leads to setup, but the statements are there to read.
        await using (var empty = new AppFactory(db, new FakeTime()))
        {
            var visitor = empty.Browse();
            var setup = await visitor.GetAsync("/");
            setup.Url.ShouldEndWith("/setup");
            foreach (var href in FooterLinks(setup.Document).Values)
            {
                var page = await visitor.GetAsync(href);
                page.Status.ShouldBe(HttpStatusCode.OK);
                page.Url.ShouldEndWith(href);
            }
        }

        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var anonymous = app.Browse();
        var signIn = await anonymous.GetAsync("/account/sign-in");
        var links = FooterLinks(signIn.Document);
        links.Keys.ShouldBe(FooterPages.Select(p => p.Link));
        var texts = new Dictionary<string, string>();
        foreach (var (link, heading) in FooterPages)
        {
            var page = await anonymous.GetAsync(links[link]);
            page.Status.ShouldBe(HttpStatusCode.OK);
            page.Url.ShouldEndWith(links[link]);
            page.Heading.ShouldBe(heading);
            page.Document.Title.ShouldBe($"{link} – SafeUse");
            FooterLinks(page.Document).Keys.ShouldBe(FooterPages.Select(p => p.Link));
            texts[link] = System.Text.RegularExpressions.Regex.Replace(page.Document.QuerySelector("main")!.TextContent, @"\s+", " ");
        }

        texts["Accessibility statement"].ShouldContain("WCAG) version 2.2 at level AA");
        texts["Accessibility statement"].ShouldContain("axe-core");
        texts["Accessibility statement"].ShouldContain("keyboard");
        texts["Accessibility statement"].ShouldContain("contact your school");
        texts["Privacy notice"].ShouldContain("your school or trust, which is the data controller");
        texts["Cookies"].ShouldContain("no analytics");
        texts["Cookies"].ShouldContain("safeuse");
        texts["Cookies"].ShouldContain(".AspNetCore.Antiforgery");

        // The same footer, and the same pages, for someone signed in.
        var ann = app.Browse();
        var home = await ann.SignInAsync(world.Ann.Email!, Seed.Password);
        FooterLinks(home.Document).ShouldBe(links);
        (await ann.GetAsync(links["Cookies"])).Heading.ShouldBe("Cookies");
    }

    [Theory, BothDatabases]
    public async Task The_menu_marks_the_page_shown_and_the_section_a_page_belongs_to(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var head = app.Browse();
        var home = await head.SignInAsync(world.Head.Email!, Seed.Password);

        // The GOV.UK service navigation: named "Menu", its toggle hidden and its list shown until the script takes over.
        var nav = home.Document.QuerySelector("header nav[aria-label='Menu']")!;
        var toggle = nav.QuerySelector("button")!;
        toggle.TextContent.Trim().ShouldBe("Menu");
        toggle.GetAttribute("aria-controls").ShouldBe("navigation");
        toggle.HasAttribute("hidden").ShouldBeTrue();
        nav.QuerySelector("#navigation")!.HasAttribute("hidden").ShouldBeFalse();
        nav.QuerySelectorAll("a").Select(a => a.TextContent).ShouldBe(["Home", "My policies", "Report a concern", "Policies", "People", "Pupils", "Incidents", "Audit trail"]);
        Marked(home.Document).ShouldBe([("Home", "page")]);

        Marked((await head.GetAsync("/policies")).Document).ShouldBe([("Policies", "page")]);
        Marked((await head.GetAsync($"/policies/{policyId}")).Document).ShouldBe([("Policies", "true")]);
        Marked((await head.GetAsync($"/policies/{policyId}/register")).Document).ShouldBe([("Policies", "true")]);
        Marked((await head.GetAsync("/my/policies")).Document).ShouldBe([("My policies", "page")]);
        Marked((await head.GetAsync($"/people/{world.Ann.Id}")).Document).ShouldBe([("People", "true")]);
        Marked((await head.GetAsync("/pupils")).Document).ShouldBe([("Pupils", "page")]);
        Marked((await head.GetAsync("/audit")).Document).ShouldBe([("Audit trail", "page")]);
        Marked((await head.GetAsync("/about/privacy")).Document).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/", "/", "page")]
    [InlineData("/policies", "/", null)]
    [InlineData("/policies", "/policies", "page")]
    [InlineData("/Policies", "/policies", "page")]
    [InlineData("/policies/7/register", "/policies", "true")]
    [InlineData("/policies-old", "/policies", null)]
    [InlineData("/my/policies", "/policies", null)]
    [InlineData("/my/policies", "/my/policies", "page")]
    public void A_link_is_current_on_its_own_page_and_within_its_section(string path, string href, string? expected) =>
        ServiceNavigation.Current(new PathString(path), href).ShouldBe(expected);

    private static Dictionary<string, string> FooterLinks(IDocument document) =>
        document.QuerySelectorAll("footer a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href")!);

    /// <summary>The menu's links marked current, with their aria-current, each also in GOV.UK's active style.</summary>
    private static List<(string Text, string? Current)> Marked(IDocument document)
    {
        var items = document.QuerySelectorAll("header nav li").ToList();
        items.Where(li => li.ClassList.Contains("govuk-service-navigation__item--active"))
            .ShouldBe(items.Where(li => li.QuerySelector("a[aria-current]") is not null));
        return items.Select(li => li.QuerySelector("a")!)
            .Where(a => a.HasAttribute("aria-current"))
            .Select(a => (a.TextContent, a.GetAttribute("aria-current")))
            .ToList();
    }
}
