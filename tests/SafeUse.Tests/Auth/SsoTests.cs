using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Accounts;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Incidents;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

/// <summary>One real OpenID provider for the class (tests in a class run one at a time, so "next login" is theirs).</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    internal TestOidcProvider? Provider { get; private set; }

    public async Task InitializeAsync()
    {
        if (TestOidcProvider.Unavailable is null)
        {
            Provider = await TestOidcProvider.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}

/// <summary>
/// Single sign-on through the web pages against a real OpenID provider (oidc-provider on loopback), on both databases:
/// the browser's trips between SafeUse and the provider are followed by hand, as a browser would follow them.
/// </summary>
public sealed partial class SsoTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string OtherTenant = "99999999-8888-7777-6666-555555555555";
    private const string Domain = "test.sch.uk";

    private TestOidcProvider Provider => fixture.Provider ?? throw new InvalidOperationException(TestOidcProvider.Unavailable);

    private static string PathOf(Browser.Page page) => new Uri(page.Url).AbsolutePath;

    /// <summary>The trust's settings as the settings page would save them.</summary>
    private static async Task TurnOnAsync(TestDatabase db, bool microsoftMfa = false, bool googleMfa = false, bool passwordsOff = false)
    {
        await using var ctx = db.Context();
        var trust = await ctx.Trusts.SingleAsync();
        ctx.SsoSettings.Add(new SsoSetting
        {
            TrustId = trust.Id, MicrosoftOn = true, MicrosoftTenants = Tenant, MicrosoftEnforcesMfa = microsoftMfa,
            GoogleOn = true, GoogleDomains = Domain, GoogleEnforcesMfa = googleMfa, PasswordsOff = passwordsOff, Version = 1, UpdatedAt = DateTime.UtcNow,
        });
        await ctx.SaveChangesAsync();
    }

    /// <summary>
    /// A browser on SafeUse (over HTTPS, as the correlation cookie needs) that follows SafeUse's own redirects and stops
    /// at one to the provider, so the test can take the browser there.
    /// </summary>
    private static Browser Open(AppFactory app) =>
        new(app.CreateDefaultClient(TestOidcProvider.AppBase, new LocalRedirects(), new CookieContainerHandler()), app.Authenticator);

    /// <summary>
    /// Presses "Sign in with ..." on the sign-in page as <paramref name="who"/>: at the provider, signs in (no form: the
    /// provider was told who comes next), then posts its answer back to SafeUse, and returns where SafeUse lands.
    /// </summary>
    private async Task<(Browser.Page Page, Dictionary<string, string> Answer)> SsoAsync(Browser b, string provider, NextLogin who, string? returnUrl = null)
    {
        await Provider.NextAsync(who);
        var signIn = await b.GetAsync("/account/sign-in" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        signIn.Document.QuerySelector($"#sso-{provider}").ShouldNotBeNull($"no Sign in with {provider} button");
        var atSafeUse = await b.SubmitAsync(signIn, new Dictionary<string, string> { ["provider"] = provider }, "#sso");
        if (atSafeUse.Status != HttpStatusCode.Redirect)
        {
            return (atSafeUse, []);
        }

        var authorize = new Uri(atSafeUse.Html.Trim());
        authorize.GetLeftPart(UriPartial.Authority).ShouldBe(Provider.Issuer);
        using var browserAtProvider = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });
        var html = await browserAtProvider.GetStringAsync(authorize);
        var form = (IHtmlFormElement)new HtmlParser().ParseDocument(html).Forms.Single();
        var answer = form.Elements.OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        return (await PostAnswerAsync(b, form.Action, answer), answer);
    }

    /// <summary>What the provider's form_post page makes the browser do: post the code and state to SafeUse's callback.</summary>
    private static async Task<Browser.Page> PostAnswerAsync(Browser b, string action, Dictionary<string, string> answer) =>
        await Browser.Page.ReadAsync(await b.Client.PostAsync(new Uri(action).PathAndQuery, new FormUrlEncodedContent(answer)));

    private static async Task<bool> SignedInAsync(Browser b) =>
        PathOf(await b.GetAsync("/account/security")) == "/account/security";

    [OidcTheory, BothDatabases]
    internal async Task Microsoft_and_Google_sign_in_someone_already_in_SafeUse_and_link_their_account_by_work_email(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        await using var app = new AppFactory(db, settings: Provider.Settings());

        var b = Open(app);
        var (home, _) = await SsoAsync(b, "microsoft", new NextLogin("ms-tia", "someone@elsewhere.example", Tid: Tenant, PreferredUsername: w.Teacher.Email!.ToUpperInvariant()), returnUrl: "/my/policies");
        PathOf(home).ShouldBe("/my/policies");
        (await b.GetAsync("/")).Heading.ShouldBe("Hello, Tia");
        var security = await b.GetAsync("/account/security");
        security.Document.QuerySelector("#sso-links")!.TextContent.ShouldContain("Microsoft");
        // The provider's front-channel sign-out is off: another site cannot sign Tia out by pointing at it.
        (await b.GetAsync("/signout-oidc")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SignedInAsync(b)).ShouldBeTrue();

        var g = Open(app);
        (await SsoAsync(g, "google", new NextLogin("g-ned", w.BirchTeacher.Email!, Hd: Domain))).Page.Heading.ShouldBe("Hello, Ned");

        await using var ctx = db.Context();
        var links = await ctx.ExternalLogins.OrderBy(l => l.Provider).ToListAsync();
        links.Select(l => (l.Provider, l.Subject, l.PersonId)).ShouldBe([("google", "g-ned", w.BirchTeacher.Id), ("microsoft", "ms-tia", w.Teacher.Id)]);
        links.ShouldAllBe(l => l.LastUsedAt != null && l.Email != null);
        (await ctx.AuditEvents.CountAsync(e => e.Action == "account.sso-linked")).ShouldBe(2);
        (await ctx.AuditEvents.SingleAsync(e => e.Action == "account.sign-in" && e.ActorPersonId == w.Teacher.Id)).Summary.ShouldBe("Signed in with Microsoft");
    }

    [OidcTheory, BothDatabases]
    internal async Task A_later_sign_in_is_matched_by_the_account_not_the_email_even_after_either_changes(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        await using var app = new AppFactory(db, settings: Provider.Settings());
        (await SsoAsync(Open(app), "google", new NextLogin("g-tia", w.Teacher.Email!, Hd: Domain))).Page.Heading.ShouldBe("Hello, Tia");

        await using (var ctx = db.Context())
        {
            var tia = await ctx.People.SingleAsync(p => p.Id == w.Teacher.Id);
            tia.Email = tia.EmailNormalized = "tia.married-name@test.sch.uk";
            await ctx.SaveChangesAsync();
        }

        // Same Google account, a new address at Google: still Tia, by the link.
        (await SsoAsync(Open(app), "google", new NextLogin("g-tia", "tia.renamed@test.sch.uk", Hd: Domain))).Page.Heading.ShouldBe("Hello, Tia");

        // Another Google account with Tia's new address is not linked on top: she has one already.
        var other = await SsoAsync(Open(app), "google", new NextLogin("g-impostor", "tia.married-name@test.sch.uk", Hd: Domain));
        other.Page.Status.ShouldBe(HttpStatusCode.Forbidden);
        other.Page.Heading.ShouldBe("Another Google account is linked to you");
        await using var check = db.Context();
        (await check.ExternalLogins.CountAsync()).ShouldBe(1);
    }

    [OidcTheory, BothDatabases]
    internal async Task Wrong_tenant_wrong_domain_unverified_email_unknown_person_and_leaver_are_refused_on_a_clear_page_and_nobody_is_signed_in(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        await using (var ctx = db.Context())
        {
            (await ctx.People.SingleAsync(p => p.Id == w.BirchTeacher.Id)).IsLeaver = true;
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, settings: Provider.Settings());
        var cases = new (string Provider, NextLogin Who, string Heading, HttpStatusCode Status)[]
        {
            // The email is right; the tenant is not: the tid decides, never the email's domain.
            ("microsoft", new NextLogin("ms-1", w.Teacher.Email!, Tid: OtherTenant, PreferredUsername: w.Teacher.Email), "That Microsoft account is not one of your trust's", HttpStatusCode.Forbidden),
            // An Entra token without a tenant cannot have its issuer checked, so it is not trusted at all.
            ("microsoft", new NextLogin("ms-2", w.Teacher.Email!, PreferredUsername: w.Teacher.Email), "Microsoft's answer could not be trusted", HttpStatusCode.BadRequest),
            // A personal Google account (no hd) or another Workspace with an address in the school's domain.
            ("google", new NextLogin("g-1", w.Teacher.Email!), "That Google account is not one of your trust's", HttpStatusCode.Forbidden),
            ("google", new NextLogin("g-2", w.Teacher.Email!, Hd: "elsewhere.example"), "That Google account is not one of your trust's", HttpStatusCode.Forbidden),
            ("google", new NextLogin("g-3", w.Teacher.Email!, EmailVerified: false, Hd: Domain), "Google did not confirm your email address", HttpStatusCode.Forbidden),
            ("microsoft", new NextLogin("ms-3", "nobody@test.sch.uk", Tid: Tenant, PreferredUsername: "nobody@test.sch.uk"), "SafeUse does not know that account", HttpStatusCode.Forbidden),
            // "nOAuth": an account in an allowed tenant whose (unverified, settable) email claim names the DSL links nobody.
            ("microsoft", new NextLogin("ms-5", w.Dsl.Email!, Tid: Tenant, PreferredUsername: "someone.else@test.sch.uk"), "SafeUse does not know that account", HttpStatusCode.Forbidden),
            ("microsoft", new NextLogin("ms-6", w.Dsl.Email!, Tid: Tenant), "Microsoft did not confirm your email address", HttpStatusCode.Forbidden),
            ("microsoft", new NextLogin("ms-7", w.Dsl.Email!, Tid: Tenant, PreferredUsername: "dsl_test.sch.uk#EXT#@contoso.onmicrosoft.com"), "Microsoft did not confirm your email address", HttpStatusCode.Forbidden),
            ("google", new NextLogin("g-4", w.BirchTeacher.Email!, Hd: Domain), "You cannot sign in: you are marked as having left", HttpStatusCode.Forbidden),
        };
        foreach (var (provider, who, heading, status) in cases)
        {
            var b = Open(app);
            var (page, _) = await SsoAsync(b, provider, who);
            page.Heading.ShouldBe(heading, who.Sub);
            page.Status.ShouldBe(status, who.Sub);
            PathOf(page).ShouldBe("/account/sso/problem");
            page.Document.QuerySelector("#advice")!.TextContent.ShouldNotBeNullOrWhiteSpace();
            (await SignedInAsync(b)).ShouldBeFalse(who.Sub);
        }

        await using var check = db.Context();
        (await check.ExternalLogins.CountAsync()).ShouldBe(0);
        (await check.Accounts.CountAsync(a => a.LastSignInAt != null)).ShouldBe(0);
        // The leaver is known, so the refusal is in the audit trail; nobody outside the trust's tenant learns who exists.
        (await check.AuditEvents.SingleAsync(e => e.Action == "account.sso-refused")).ActorPersonId.ShouldBe(w.BirchTeacher.Id);
    }

    [OidcTheory, BothDatabases]
    internal async Task A_replayed_callback_a_tampered_id_token_and_a_provider_that_is_down_end_on_a_clear_page_not_an_error(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        await using var app = new AppFactory(db, settings: Provider.Settings());

        var b = Open(app);
        var (home, answer) = await SsoAsync(b, "microsoft", new NextLogin("ms-tia", w.Teacher.Email!, Tid: Tenant, PreferredUsername: w.Teacher.Email));
        home.Heading.ShouldBe("Hello, Tia");

        // The same answer again, in the same browser and in another (someone who copied the code and state).
        var copier = Open(app);
        foreach (var replay in new[] { b, copier })
        {
            var again = await PostAnswerAsync(replay, "https://localhost/signin-microsoft", answer);
            again.Status.ShouldBe(HttpStatusCode.BadRequest);
            again.Heading.ShouldBe("That sign-in had expired or was already used");
        }

        (await SignedInAsync(copier)).ShouldBeFalse();
        var forged = await PostAnswerAsync(Open(app), "https://localhost/signin-microsoft", new Dictionary<string, string> { ["code"] = "made-up", ["state"] = "made-up" });
        forged.Status.ShouldBe(HttpStatusCode.BadRequest);
        var bare = await PostAnswerAsync(Open(app), "https://localhost/signin-google", new Dictionary<string, string> { ["code"] = "made-up" });
        bare.Status.ShouldBe(HttpStatusCode.BadRequest);

        // The id token's payload changed under its signature: refused, and nobody signed in (not even the real Tia).
        await Provider.TamperNextTokenAsync();
        var t = Open(app);
        var (tampered, _) = await SsoAsync(t, "microsoft", new NextLogin("ms-tia", w.Teacher.Email!, Tid: Tenant, PreferredUsername: w.Teacher.Email));
        tampered.Status.ShouldBe(HttpStatusCode.BadRequest);
        tampered.Heading.ShouldBe("Microsoft's answer could not be trusted");
        (await SignedInAsync(t)).ShouldBeFalse();

        // A provider nobody answers for.
        var down = Provider.Settings();
        down["SafeUse:Sso:Microsoft:Authority"] = $"http://127.0.0.1:{TestSmtpServer.FreePort()}";
        await using var downApp = new AppFactory(db, settings: down);
        var d = Open(downApp);
        var signIn = await d.GetAsync("/account/sign-in");
        var unreachable = await d.SubmitAsync(signIn, new Dictionary<string, string> { ["provider"] = "microsoft" }, "#sso");
        unreachable.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        unreachable.Heading.ShouldBe("SafeUse cannot reach Microsoft at the moment");
        (await SignedInAsync(d)).ShouldBeFalse();
    }

    [OidcTheory, BothDatabases]
    internal async Task A_provider_second_factor_satisfies_SafeUses_and_without_one_a_DSL_still_owes_theirs(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db, googleMfa: true);
        await using var app = new AppFactory(db, settings: Provider.Settings());
        var dsl = new NextLogin("ms-dev", w.Dsl.Email!, Tid: Tenant, PreferredUsername: w.Dsl.Email);

        // amr says mfa: straight in, no app to set up, and a restricted record opens without asking again.
        var b = Open(app);
        (await SsoAsync(b, "microsoft", dsl with { Amr = ["pwd", "mfa"] })).Page.Heading.ShouldBe("Hello, Dev");
        PathOf(await b.GetAsync("/incidents")).ShouldBe("/incidents");

        // Password only at Microsoft, and the trust does not say Microsoft enforces one: enrolment, as after a password.
        var c = Open(app);
        var (owed, _) = await SsoAsync(c, "microsoft", dsl with { Amr = ["pwd"] });
        PathOf(owed).ShouldBe(SecondFactorService.EnrolPath);
        PathOf(await c.GetAsync("/incidents")).ShouldBe(SecondFactorService.EnrolPath);

        // The trust says Google enforces 2-Step Verification: no amr needed.
        var g = Open(app);
        (await SsoAsync(g, "google", new NextLogin("g-dev", w.Dsl.Email!, Hd: Domain))).Page.Heading.ShouldBe("Hello, Dev");

        // Someone with an authenticator app who signs in without mfa at Microsoft is asked for its code.
        (await app.Browse().SignInAsync(w.Head.Email!, Seed.Password)).Heading.ShouldBe("Hello, Hana");
        var h = Open(app);
        var (prompt, _) = await SsoAsync(h, "microsoft", new NextLogin("ms-hana", w.Head.Email!, Tid: Tenant, PreferredUsername: w.Head.Email));
        PathOf(prompt).ShouldBe(SecondFactorService.VerifyPath);
        var h2 = Open(app);
        (await SsoAsync(h2, "microsoft", new NextLogin("ms-hana", w.Head.Email!, Tid: Tenant, Amr: ["mfa"]))).Page.Heading.ShouldBe("Hello, Hana");
    }

    [OidcTheory, BothDatabases]
    internal async Task A_provider_second_factor_counts_from_when_it_was_given_not_from_a_later_silent_sign_in(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        await using var app = new AppFactory(db, settings: Provider.Settings());
        using var scope = app.Services.CreateScope();
        var sso = scope.ServiceProvider.GetRequiredService<SsoSignIn>();
        System.Security.Claims.ClaimsPrincipal Token(long? authTime) => new(new System.Security.Claims.ClaimsIdentity(
            new[] { ("sub", "ms-dev"), ("tid", Tenant), ("preferred_username", w.Dsl.Email!), ("amr", "mfa") }
                .Concat(authTime is { } t ? [("auth_time", t.ToString(System.Globalization.CultureInfo.InvariantCulture))] : [])
                .Select(c => new System.Security.Claims.Claim(c.Item1, c.Item2)), "test"));

        // Multi-factor 13 hours ago at Microsoft, then a silent sign-in now: the factor is 13 hours old, so step-up asks.
        var given = DateTimeOffset.UtcNow.AddHours(-13).ToUnixTimeSeconds();
        (await sso.MatchAsync("microsoft", Token(given), default)).FactorAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(given));
        // No auth_time: the sign-in's own time; a time in the future counts as now.
        (await sso.MatchAsync("microsoft", Token(null), default)).FactorAt!.Value.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        (await sso.MatchAsync("microsoft", Token(DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds()), default)).FactorAt!.Value.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow);
    }

    [OidcTheory, BothDatabases]
    internal async Task With_passwords_off_a_password_sign_in_is_refused_and_emailed_links_still_work(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db, passwordsOff: true);
        await using var app = new AppFactory(db, settings: Provider.Settings());

        var b = Open(app);
        var signIn = await b.GetAsync("/account/sign-in");
        signIn.Document.QuerySelector("#passwords-off").ShouldNotBeNull();
        signIn.Document.QuerySelector("#password-sign-in").ShouldBeNull();
        // A form posted anyway (an old tab, a script) is refused with the reason, and nothing is counted or signed in.
        var posted = await Browser.Page.ReadAsync(await b.Client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = signIn.Document.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value,
            ["Input.Email"] = w.Teacher.Email!, ["Input.Password"] = Seed.Password,
        })));
        posted.Errors.ShouldContain(SignInModel.PasswordsOffMessage);
        (await SignedInAsync(b)).ShouldBeFalse();

        var request = await b.GetAsync("/account/email-link");
        await b.SubmitAsync(request, new Dictionary<string, string> { ["Input.Email"] = w.Teacher.Email! });
        string body;
        await using (var ctx = db.Context())
        {
            body = (await ctx.Outbox.Where(e => e.ToAddress == w.Teacher.Email).OrderByDescending(e => e.Id).FirstAsync()).Body;
        }

        var landing = await b.GetAsync(new Uri(LinkRegex().Match(body).Value).PathAndQuery);
        (await b.SubmitAsync(landing, new Dictionary<string, string>())).Heading.ShouldBe("Hello, Tia");
    }

    [OidcTheory, BothDatabases]
    internal async Task The_settings_page_saves_what_the_trust_chose_shows_no_secret_and_refuses_passwords_off_without_a_provider_or_a_stale_save(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Provider.Settings());
        // Nobody but a trust-wide administrator may open it.
        var head = Open(app);
        await head.SignInAsync(w.BirchHead.Email!, Seed.Password);
        (await head.GetAsync("/settings/sso")).Status.ShouldBe(HttpStatusCode.Forbidden);

        var admin = Open(app);
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);

        var page = await admin.GetAsync("/settings/sso");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldNotContain(TestOidcProvider.ClientSecret);
        page.Document.QuerySelector("#registration-microsoft")!.TextContent.ShouldContain("set (not shown)");

        var refused = await admin.SubmitAsync(page, new Dictionary<string, string> { ["Input.PasswordsOff"] = "true", ["Input.GoogleDomains"] = "not a domain" });
        refused.Errors.ShouldContain("Turn Microsoft or Google on before turning passwords off");
        refused.Errors.ShouldContain("\"not\" is not a domain: it looks like school.org.uk");

        var stale = await admin.GetAsync("/settings/sso");
        var saved = await admin.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Input.MicrosoftOn"] = "true", ["Input.MicrosoftTenants"] = Tenant.ToUpperInvariant(), ["Input.PasswordsOff"] = "true",
        });
        saved.Errors.ShouldBeEmpty();
        saved.Document.QuerySelector<IHtmlInputElement>("#Input_MicrosoftOn")!.IsChecked.ShouldBeTrue();
        (await admin.SubmitAsync(stale, new Dictionary<string, string> { ["Input.GoogleOn"] = "false" })).Errors.ShouldContain(SsoSettingsModel.StaleSave);

        await using var ctx = db.Context();
        var row = await ctx.SsoSettings.SingleAsync();
        (row.MicrosoftOn, row.MicrosoftTenants, row.PasswordsOff, row.GoogleOn).ShouldBe((true, Tenant, true, false));
        (await ctx.AuditEvents.SingleAsync(e => e.Action == "trust.sso-settings")).Summary.ShouldContain("passwords off");
    }

    [OidcTheory, BothDatabases]
    internal async Task An_administrator_sees_and_removes_a_link_of_someone_in_their_schools_audited_and_another_schools_cannot(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await TurnOnAsync(db);
        string birchAdmin;
        await using (var ctx = db.Context())
        {
            var trust = await ctx.Trusts.SingleAsync();
            var birch = await ctx.Schools.SingleAsync(s => s.Id == w.B.Id);
            birchAdmin = (await Seed.PersonAsync(ctx, trust, birch, "Bob", "Birchadmin", (Role.Administrator, birch))).Email!;
        }

        await using var app = new AppFactory(db, settings: Provider.Settings());
        var tia = Open(app);
        (await SsoAsync(tia, "microsoft", new NextLogin("ms-tia", w.Teacher.Email!, Tid: Tenant, PreferredUsername: w.Teacher.Email))).Page.Heading.ShouldBe("Hello, Tia");
        long linkId;
        await using (var ctx = db.Context())
        {
            linkId = (await ctx.ExternalLogins.SingleAsync()).Id;
        }

        // Tia is at Alder: Birch's administrator is told there is no such person, and a forged removal changes nothing.
        var other = Open(app);
        await other.SignInAsync(birchAdmin, Seed.Password);
        (await other.GetAsync($"/people/{w.Teacher.Id}/sso")).Status.ShouldBe(HttpStatusCode.NotFound);
        var birchPage = await other.GetAsync("/account/security");
        var forged = await other.Client.PostAsync($"/people/{w.Teacher.Id}/sso", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = birchPage.Document.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value,
            ["linkId"] = linkId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        forged.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var admin = Open(app);
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        (await admin.GetAsync($"/people/{w.Teacher.Id}")).Document.QuerySelector("#sso-links").ShouldNotBeNull();
        var links = await admin.GetAsync($"/people/{w.Teacher.Id}/sso");
        links.Document.QuerySelector("#links")!.TextContent.ShouldContain("Microsoft");
        var after = await admin.SubmitAsync(links, new Dictionary<string, string>(), "#links form");
        after.Document.QuerySelector("#no-links").ShouldNotBeNull();

        // Removed, audited, and Tia is signed out.
        (await SignedInAsync(tia)).ShouldBeFalse();
        await using var check = db.Context();
        (await check.ExternalLogins.CountAsync()).ShouldBe(0);
        var audited = await check.AuditEvents.SingleAsync(e => e.Action == "account.sso-unlinked");
        (audited.ActorPersonId, audited.EntityId).ShouldBe((w.Admin.Id, w.Teacher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex LinkRegex();
}

/// <summary>
/// Follows SafeUse's own redirects (relative, or to localhost) as a browser does, and stops at one that leaves for the
/// provider: that response comes back with its Location in the body, for the test to follow with the provider's client.
/// </summary>
internal sealed class LocalRedirects : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        for (var hops = 0; hops < 10 && (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location; hops++)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            if (target.Host != request.RequestUri!.Host)
            {
                response.Content = new StringContent(target.ToString());
                return response;
            }

            response.Dispose();
            request = new HttpRequestMessage(HttpMethod.Get, target);
            response = await base.SendAsync(request, ct);
        }

        return response;
    }
}

/// <summary>Entra's multi-tenant issuer, and the authorities SafeUse starts with.</summary>
public sealed class SsoIssuerTests
{
    private const string Template = "https://login.microsoftonline.com/{tenantid}/v2.0";

    private static Microsoft.IdentityModel.JsonWebTokens.JsonWebToken Token(string? tid) =>
        new(new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = tid is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["tid"] = tid },
        }));

    [Fact]
    public void An_Entra_token_is_accepted_only_from_the_issuer_of_its_own_tenant()
    {
        var parameters = new Microsoft.IdentityModel.Tokens.TokenValidationParameters();
        var configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = Template };
        const string tid = "11111111-2222-3333-4444-555555555555";
        SsoRegistration.MicrosoftIssuer($"https://login.microsoftonline.com/{tid}/v2.0", Token(tid), parameters, configuration).ShouldEndWith(tid + "/v2.0");
        Should.Throw<Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException>(() =>
            SsoRegistration.MicrosoftIssuer("https://login.microsoftonline.com/99999999-8888-7777-6666-555555555555/v2.0", Token(tid), parameters, configuration));
        Should.Throw<Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException>(() =>
            SsoRegistration.MicrosoftIssuer("https://evil.example/" + tid + "/v2.0", Token(tid), parameters, configuration));
        Should.Throw<Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException>(() =>
            SsoRegistration.MicrosoftIssuer(Template, Token(null), parameters, configuration));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://login.example.org/tenant/v2.0", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://login.example.org", false)]
    [InlineData("login.example.org", false)]
    public void An_authority_must_be_https_unless_it_is_on_loopback(string? authority, bool usable) =>
        (SsoRegistration.Problem(new SsoProviderOptions { ClientId = "x", ClientSecret = "y", Authority = authority }) is null).ShouldBe(usable);
}
