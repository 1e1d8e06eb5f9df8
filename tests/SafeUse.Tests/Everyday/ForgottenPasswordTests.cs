using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed partial class ForgottenPasswordTests
{
    private const string NewPassword = "copper kettle harbour nine";

    [Theory, BothDatabases]
    internal async Task The_sign_in_page_leads_someone_who_forgot_their_password_to_an_emailed_link(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = app.Browse();
        var signIn = await browser.GetAsync("/account/sign-in");
        var heading = signIn.Document.QuerySelectorAll("h2").Single(h => h.TextContent == "Forgotten your password?");
        var link = heading.NextElementSibling!.QuerySelector("a")!;
        link.TextContent.ShouldBe("get a sign-in link by email");

        var request = await browser.GetAsync(link.GetAttribute("href")!);
        var sent = await browser.SubmitAsync(request, new Dictionary<string, string> { ["Input.Email"] = world.Ann.Email! });
        sent.Heading.ShouldBe("Check your email");
        await using var ctx = db.Context();
        (await ctx.Outbox.CountAsync(e => e.ToAddress == world.Ann.Email && e.Body.Contains("/account/link?token="))).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task Within_15_minutes_of_signing_in_by_emailed_link_a_new_password_needs_no_current_one_and_ends_other_sessions(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var elsewhere = app.Browse();
        (await elsewhere.SignInAsync(world.Ann.Email!, Seed.Password)).Heading.ShouldBe("Hello, Ann");
        var browser = await SignInByLinkAsync(app, db, world.Ann.Email!);
        world.Time.Advance(TimeSpan.FromMinutes(14));

        var form = await browser.GetAsync("/account/password");
        form.Heading.ShouldBe("Change your password");
        form.Document.QuerySelector("[name='Input.CurrentPassword']").ShouldBeNull();
        form.Document.QuerySelector("#link-session")!.TextContent.ShouldContain("without the old one");
        var done = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Password"] = NewPassword });
        done.Heading.ShouldBe("Hello, Ann");
        done.Text.ShouldContain("Your password is saved. You have been signed out everywhere else.");

        (await elsewhere.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await app.Browse().SignInAsync(world.Ann.Email!, NewPassword)).Heading.ShouldBe("Hello, Ann");
        (await app.Browse().SignInAsync(world.Ann.Email!, Seed.Password)).Heading.ShouldNotBe("Hello, Ann");
        await using (var ctx = db.Context())
        {
            (await ctx.AuditEvents.SingleAsync(e => e.Action == "account.password-set")).Summary
                .ShouldBe("Password set for Ann Lee (after signing in with an emailed link, without the current password)");
        }

        // The session that set it is a password session now: another change asks for the password just set.
        var again = await browser.GetAsync("/account/password");
        again.Document.QuerySelector("[name='Input.CurrentPassword']").ShouldNotBeNull();
        var refused = await browser.SubmitAsync(again, new Dictionary<string, string> { ["Input.Password"] = "another long passphrase here" });
        refused.Errors.ShouldContain("Enter your current password");
    }

    [Theory, BothDatabases]
    internal async Task More_than_15_minutes_after_signing_in_by_emailed_link_the_current_password_is_asked_for(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = await SignInByLinkAsync(app, db, world.Ann.Email!);
        var early = await browser.GetAsync("/account/password");
        world.Time.Advance(TimeSpan.FromMinutes(16));

        // Even the form fetched inside the window is judged by when it is sent.
        var late = await browser.SubmitAsync(early, new Dictionary<string, string> { ["Input.Password"] = NewPassword });
        late.Errors.ShouldContain("Enter your current password");
        var form = await browser.GetAsync("/account/password");
        form.Document.QuerySelector("[name='Input.CurrentPassword']").ShouldNotBeNull();
        form.Document.QuerySelector("#link-session").ShouldBeNull();
        (await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Password"] = NewPassword })).Errors.ShouldContain("Enter your current password");

        await using var ctx = db.Context();
        (await ctx.AuditEvents.CountAsync(e => e.Action == "account.password-set")).ShouldBe(0);
        (await app.Browse().SignInAsync(world.Ann.Email!, Seed.Password)).Heading.ShouldBe("Hello, Ann");
    }

    [Theory, BothDatabases]
    internal async Task A_session_begun_with_a_password_always_asks_for_the_current_one(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = app.Browse();
        await browser.SignInAsync(world.Ann.Email!, Seed.Password);

        var form = await browser.GetAsync("/account/password");
        form.Document.QuerySelector("[name='Input.CurrentPassword']").ShouldNotBeNull();
        form.Document.QuerySelector("#link-session").ShouldBeNull();
        (await browser.SubmitAsync(form, new Dictionary<string, string> { ["Input.Password"] = NewPassword })).Errors.ShouldContain("Enter your current password");

        await using var ctx = db.Context();
        (await ctx.AuditEvents.CountAsync(e => e.Action == "account.password-set")).ShouldBe(0);
    }

    /// <summary>Asks for a link on the page, reads it from the outbox as the inbox would, and follows it.</summary>
    private static async Task<Browser> SignInByLinkAsync(AppFactory app, TestDatabase db, string email)
    {
        var browser = app.Browse();
        var request = await browser.GetAsync("/account/email-link");
        await browser.SubmitAsync(request, new Dictionary<string, string> { ["Input.Email"] = email });
        string body;
        await using (var ctx = db.Context())
        {
            body = (await ctx.Outbox.Where(e => e.ToAddress == email).OrderByDescending(e => e.Id).FirstAsync()).Body;
        }

        var link = new Uri(LinkRegex().Match(body).Value);
        var landing = await browser.GetAsync(link.PathAndQuery);
        var home = await browser.SubmitAsync(landing, new Dictionary<string, string>());
        home.Heading.ShouldBe("Hello, Ann");
        return browser;
    }

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex LinkRegex();
}
