using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Accounts;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

public sealed partial class SignInTests
{
    private readonly FakeTime time = new();

    [Theory, BothDatabases]
    internal async Task First_run_shows_setup_which_creates_the_trust_and_signs_the_administrator_in(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        var browser = app.Browse();
        var page = await browser.GetAsync("/people");
        page.Url.ShouldEndWith("/setup");

        var weak = await browser.SubmitAsync(page, SetupFields("password1234"));
        weak.Errors.ShouldContain(e => e.Contains("too common"));

        // The administrator's role needs a second factor: setting one up comes straight after setup.
        var enrol = await browser.SubmitAsync(weak, SetupFields("river otter lantern seven"));
        enrol.Url.ShouldContain("/account/second-factor/enrol");
        var done = await browser.PassSecondFactorAsync(enrol, "jo.bloggs@oak.sch.uk");
        done.Heading.ShouldBe("Hello, Jo");
        done.Text.ShouldContain("Oak Trust is set up");
        (await browser.GetAsync("/setup")).Url.ShouldNotEndWith("/setup");

        await using var ctx = db.Context();
        (await ctx.Schools.SingleAsync()).Urn.ShouldBe("123456");
        (await ctx.AuditEvents.Select(e => e.Action).ToListAsync()).ShouldContain("trust.created");
    }

    [Theory, BothDatabases]
    internal async Task Setup_rejects_bad_fields_and_writes_nothing(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        var browser = app.Browse();
        var page = await browser.GetAsync("/setup");
        var result = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Input.TrustName"] = "", ["Input.SchoolUrn"] = "12", ["Input.Email"] = "not-an-email", ["Input.Password"] = "short" });
        result.Errors.ShouldContain(e => e.Contains("Enter the name of the trust"));
        result.Errors.ShouldContain(e => e.Contains("URN must be 6 digits"));
        result.Errors.ShouldContain(e => e.Contains("correct format"));
        result.Errors.ShouldContain(e => e.Contains("at least 12 characters"));
        await using var ctx = db.Context();
        (await ctx.Trusts.AnyAsync()).ShouldBeFalse();
    }

    [Theory, BothDatabases]
    internal async Task A_wrong_password_and_an_unknown_address_get_the_same_message_and_repeated_failures_pause_sign_in(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        await SeedAsync(app);
        var browser = app.Browse();

        var wrong = await browser.SignInAsync("ann.lee@test.sch.uk", "not the right password");
        var unknown = await browser.SignInAsync("nobody@test.sch.uk", "not the right password");
        wrong.Errors.ShouldContain(SignInModel.Refused);
        unknown.Errors.ShouldContain(SignInModel.Refused);

        for (var i = 0; i < 4; i++)
        {
            await browser.SignInAsync("ann.lee@test.sch.uk", "still not the right one");
        }

        // Locked now: even the right password is refused, with the same words.
        var locked = await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        locked.Errors.ShouldContain(SignInModel.Refused);

        time.Advance(TimeSpan.FromMinutes(16));
        var ok = await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        ok.Heading.ShouldBe("Hello, Ann");
    }

    [Theory, BothDatabases]
    internal async Task An_emailed_link_signs_in_once_within_15_minutes(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        await SeedAsync(app);
        var browser = app.Browse();
        var request = await browser.GetAsync("/account/email-link");
        var sent = await browser.SubmitAsync(request, new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk" });
        sent.Heading.ShouldBe("Check your email");
        var unknown = await browser.SubmitAsync(await browser.GetAsync("/account/email-link"), new Dictionary<string, string> { ["Input.Email"] = "ghost@test.sch.uk" });
        unknown.Heading.ShouldBe("Check your email");

        string body;
        await using (var ctx = db.Context())
        {
            var email = await ctx.Outbox.SingleAsync();
            email.ToAddress.ShouldBe("ann.lee@test.sch.uk");
            email.Sensitive.ShouldBeTrue();
            body = email.Body;
        }

        var link = new Uri(TokenLink().Match(body).Value).PathAndQuery;
        var landing = await browser.GetAsync(link);
        landing.Heading.ShouldBe("Sign in to SafeUse");
        var signedIn = await browser.SubmitAsync(landing, new Dictionary<string, string>());
        signedIn.Heading.ShouldBe("Hello, Ann");

        var other = app.Browse();
        var again = await other.SubmitAsync(await other.GetAsync(link), new Dictionary<string, string>());
        again.Heading.ShouldBe("This link cannot be used");
    }

    [Theory, BothDatabases]
    internal async Task An_emailed_link_expires_after_15_minutes(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        await SeedAsync(app);
        var browser = app.Browse();
        await browser.SubmitAsync(await browser.GetAsync("/account/email-link"), new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk" });
        await using var ctx = db.Context();
        var link = new Uri(TokenLink().Match((await ctx.Outbox.SingleAsync()).Body).Value).PathAndQuery;
        time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var expired = await browser.SubmitAsync(await browser.GetAsync(link), new Dictionary<string, string>());
        expired.Heading.ShouldBe("This link cannot be used");
    }

    [Theory, BothDatabases]
    internal async Task A_leaver_cannot_sign_in(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        await SeedAsync(app);
        await using (var ctx = db.Context())
        {
            await ctx.People.Where(p => p.GivenName == "Ann").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsLeaver, true));
        }

        var page = await app.Browse().SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        page.Errors.ShouldContain(SignInModel.Refused);
    }

    [Theory, BothDatabases]
    internal async Task Pages_need_sign_in_and_health_does_not(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db, time);
        await SeedAsync(app);
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var people = await client.GetAsync("/people");
        people.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        people.Headers.Location!.ToString().ShouldContain("/account/sign-in");
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static async Task SeedAsync(AppFactory app)
    {
        _ = app.Server;
        await using var ctx = app.Database.Context();
        var (trust, a, _) = await Seed.TrustAsync(ctx);
        await Seed.PersonAsync(ctx, trust, a, "Ann", "Lee");
    }

    private static Dictionary<string, string> SetupFields(string password) => new()
    {
        ["Input.TrustName"] = "Oak Trust",
        ["Input.SchoolName"] = "Oak Primary",
        ["Input.SchoolUrn"] = "123456",
        ["Input.GivenName"] = "Jo",
        ["Input.FamilyName"] = "Bloggs",
        ["Input.Email"] = "jo.bloggs@oak.sch.uk",
        ["Input.Password"] = password,
    };

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex TokenLink();
}
