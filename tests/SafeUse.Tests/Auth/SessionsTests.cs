using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

/// <summary>"Your sessions": where someone is signed in, and signing any of them out; an administrator signing someone out everywhere.</summary>
public sealed class SessionsTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    private static async Task<AppFactory> AppAsync(TestDatabase db)
    {
        var app = new AppFactory(db);
        _ = app.Server;
        await using var ctx = db.Context();
        var (trust, a, b) = await Seed.TrustAsync(ctx);
        await Seed.PersonAsync(ctx, trust, a, "Ann", "Lee");
        await Seed.PersonAsync(ctx, trust, a, "Ben", "Cole");
        await Seed.PersonAsync(ctx, trust, a, "Ada", "Admin", (Role.Administrator, a));
        await Seed.PersonAsync(ctx, trust, b, "Bo", "Admin", (Role.Administrator, b));
        await Seed.PersonAsync(ctx, trust, a, "Mo", "Manager", (Role.LineManager, a));
        return app;
    }

    [Theory, BothDatabases]
    public async Task The_page_lists_each_browser_and_signs_out_one_the_others_or_all(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var laptop = app.Browse(new CookieContainer(), Chrome);
        var phone = app.Browse(new CookieContainer(), IPhone);
        var tablet = app.Browse(new CookieContainer(), "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
        foreach (var b in new[] { laptop, phone, tablet })
        {
            (await b.SignInAsync("ann.lee@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Ann");
        }

        var page = await laptop.GetAsync("/account/sessions");
        page.Heading.ShouldBe("Your sessions");
        var rows = page.Document.QuerySelectorAll("#sessions tbody tr");
        rows.Length.ShouldBe(3);
        page.Document.QuerySelector("tr[data-session='this']")!.TextContent.ShouldContain("Chrome on Windows");
        page.Text.ShouldContain("Safari on iPhone");
        page.Text.ShouldContain("Firefox on Linux");
        page.Text.ShouldContain("with a password");

        // Sign out the phone from the laptop.
        var phoneRow = rows.Single(r => r.TextContent.Contains("iPhone", StringComparison.Ordinal));
        var phoneSession = phoneRow.QuerySelector("input[name='session']")!.GetAttribute("value")!;
        var after = await laptop.SubmitAsync(page, new Dictionary<string, string> { ["session"] = phoneSession }, $"form:has(input[value='{phoneSession}'])");
        after.Text.ShouldContain("That session is signed out.");
        after.Document.QuerySelectorAll("#sessions tbody tr").Length.ShouldBe(2);
        (await phone.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await tablet.GetAsync("/")).Heading.ShouldBe("Hello, Ann");

        // Everywhere else: the tablet goes, the laptop stays.
        after = await laptop.SubmitAsync(after, new Dictionary<string, string>(), "#end-others");
        after.Text.ShouldContain("You are signed out everywhere else");
        after.Document.QuerySelectorAll("#sessions tbody tr").Length.ShouldBe(1);
        (await tablet.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await laptop.GetAsync("/")).Heading.ShouldBe("Hello, Ann");

        // Everywhere, this browser too.
        (await phone.SignInAsync("ann.lee@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Ann");
        var done = await laptop.SubmitAsync(await laptop.GetAsync("/account/sessions"), new Dictionary<string, string>(), "#end-all");
        done.Heading.ShouldBe("You have signed out");
        (await laptop.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await phone.GetAsync("/")).Url.ShouldContain("/account/sign-in");

        await using var ctx = db.Context();
        var actions = await ctx.AuditEvents.Select(e => e.Action).ToListAsync();
        actions.Count(a => a == "account.session-ended").ShouldBe(2);
        actions.ShouldContain("account.signed-out-everywhere");
    }

    [Theory, BothDatabases]
    public async Task Nobody_can_sign_out_someone_elses_session_and_the_page_shows_only_their_own(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var ann = app.Browse();
        var ben = app.Browse();
        await ann.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await ben.SignInAsync("ben.cole@test.sch.uk", Seed.Password);
        string bensSession;
        await using (var ctx = db.Context())
        {
            var benId = await ctx.People.Where(p => p.EmailNormalized == "ben.cole@test.sch.uk").Select(p => p.Id).SingleAsync();
            bensSession = await ctx.UserSessions.Where(s => s.PersonId == benId).Select(s => s.Id).SingleAsync();
        }

        var page = await ann.GetAsync("/account/sessions");
        page.Document.QuerySelectorAll("#sessions tbody tr").Length.ShouldBe(1);
        page.Html.ShouldNotContain(bensSession);
        // A crafted post naming Ben's session.
        var form = page.Document.QuerySelector("#end-all")!;
        var token = form.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
        var response = await ann.Client.PostAsync("/account/sessions?handler=End", new FormUrlEncodedContent(new Dictionary<string, string> { ["session"] = bensSession, ["__RequestVerificationToken"] = token }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ben.GetAsync("/")).Heading.ShouldBe("Hello, Ben");

        // Anonymous: the sign-in page.
        (await app.Browse().GetAsync("/account/sessions")).Url.ShouldContain("/account/sign-in");
    }

    [Theory, BothDatabases]
    public async Task A_session_ended_in_the_database_stops_its_cookie_at_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var ann = app.Browse();
        await ann.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await using (var ctx = db.Context())
        {
            await ctx.UserSessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, DateTime.UtcNow));
        }

        (await ann.GetAsync("/")).Url.ShouldContain("/account/sign-in");
    }

    [Theory, BothDatabases]
    public async Task An_administrator_signs_someone_out_everywhere_in_their_own_schools_only(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var annLaptop = app.Browse();
        var annPhone = app.Browse();
        await annLaptop.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await annPhone.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        long annId;
        await using (var ctx = db.Context())
        {
            annId = await ctx.People.Where(p => p.EmailNormalized == "ann.lee@test.sch.uk").Select(p => p.Id).SingleAsync();
        }

        // Another school's administrator and a line manager cannot.
        var bo = app.Browse();
        await bo.SignInAsync("bo.admin@test.sch.uk", Seed.Password);
        (await bo.GetAsync($"/people/{annId}/sign-out-everywhere")).Status.ShouldBe(HttpStatusCode.NotFound);
        var mo = app.Browse();
        await mo.SignInAsync("mo.manager@test.sch.uk", Seed.Password);
        (await mo.GetAsync($"/people/{annId}/sign-out-everywhere")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await annLaptop.GetAsync("/")).Heading.ShouldBe("Hello, Ann");

        var ada = app.Browse();
        await ada.SignInAsync("ada.admin@test.sch.uk", Seed.Password);
        (await ada.GetAsync("/people/" + annId)).Document.QuerySelector("#sign-out-everywhere").ShouldNotBeNull();
        var confirm = await ada.GetAsync($"/people/{annId}/sign-out-everywhere");
        confirm.Document.QuerySelector("#open-sessions")!.TextContent.ShouldContain("2 browsers");
        var done = await ada.SubmitAsync(confirm, new Dictionary<string, string>());
        done.Text.ShouldContain("Ann Lee is signed out everywhere and has been emailed.");
        (await annLaptop.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await annPhone.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await ada.GetAsync("/")).Status.ShouldBe(HttpStatusCode.OK);

        await using var check = db.Context();
        (await check.AuditEvents.SingleAsync(e => e.Action == "account.signed-out-everywhere")).Summary.ShouldContain("2 open sessions");
        var mail = await check.Outbox.SingleAsync(m => m.Subject == "You have been signed out of SafeUse");
        mail.ToAddress.ShouldBe("ann.lee@test.sch.uk");
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on Mac")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Chromebook")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("", "Unknown browser")]
    [InlineData("curl/8.5.0", "Another browser")]
    public void Browsers_are_named_as_people_know_them(string userAgent, string expected) =>
        Sessions.Device(userAgent).ShouldBe(expected);
}
