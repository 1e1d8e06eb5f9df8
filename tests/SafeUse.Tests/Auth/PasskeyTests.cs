using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Accounts;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Incidents;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

/// <summary>
/// Passkeys through the real pages and endpoints, on both databases, answered by a software authenticator as a
/// browser would: set up, used at the prompt, at step-up and to sign in without a password; refused for the wrong
/// origin or relying party, a replayed challenge, someone else's key, a counter going back, no user verification or a
/// leaver; removed; cleared by an administrator's reset.
/// </summary>
public sealed class PasskeyTests
{
    private const string Enrol = "/account/second-factor/enrol";
    private const string Prompt = "/account/second-factor";
    private const string SignIn = "/account/sign-in";

    // The relying party is SafeUse's public address, which the in-process client's requests come to.
    private static readonly Dictionary<string, string?> Settings = new() { ["SafeUse:RunScheduler"] = "false", ["SafeUse:PublicUrl"] = "http://localhost" };

    private static string PathOf(Browser.Page page) => new Uri(page.Url).AbsolutePath;

    private static async Task<Browser.Page> PasswordOnlyAsync(Browser b, string email)
    {
        var page = await b.GetAsync(SignIn);
        return await b.SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Seed.Password });
    }

    /// <summary>What /js/passkey.js does first: posts the passkey form's antiforgery token to the options handler.</summary>
    private static async Task<string> OptionsAsync(Browser b, Browser.Page page)
    {
        var form = page.Document.QuerySelector("#passkey-form") ?? throw new InvalidOperationException($"No passkey form on {page.Url}");
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await b.Client.PostAsync(form.GetAttribute("data-passkey-options"), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, page.Url);
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<Browser.Page> AnswerAsync(Browser b, Browser.Page page, string credential, string? name = null) =>
        b.SubmitAsync(page, name is null ? new Dictionary<string, string> { ["Credential"] = credential } : new Dictionary<string, string> { ["Credential"] = credential, ["PasskeyName"] = name }, "#passkey-form");

    /// <summary>Signs in with a password and, on the enrolment page it is sent to, sets up a passkey; returns the recovery codes page.</summary>
    private static async Task<Browser.Page> EnrolPasskeyAsync(Browser b, string email, SoftAuthenticator key, string name = "Work laptop")
    {
        var page = await PasswordOnlyAsync(b, email);
        if (PathOf(page) != Enrol)
        {
            page = await b.GetAsync(Enrol);
        }

        return await AnswerAsync(b, page, key.Create(await OptionsAsync(b, page)), name);
    }

    private static async Task<Browser.Page> PasskeySignInAsync(Browser b, SoftAuthenticator key, Func<string, string>? answer = null)
    {
        var page = await b.GetAsync(SignIn);
        var options = await OptionsAsync(b, page);
        return await AnswerAsync(b, page, answer is null ? key.Get(options) : answer(options));
    }

    private static async Task<List<string>> AuditActionsAsync(TestDatabase db, long personId)
    {
        await using var ctx = db.Context();
        var id = personId.ToString(CultureInfo.InvariantCulture);
        return await ctx.AuditEvents.Where(e => e.EntityId == id).OrderBy(e => e.Seq).Select(e => e.Action).ToListAsync();
    }

    [Theory]
    [InlineData("https://safeuse.example.sch.uk", "safeuse.example.sch.uk", "https://safeuse.example.sch.uk")]
    [InlineData("https://SafeUse.Example.sch.uk:8443/", "safeuse.example.sch.uk", "https://safeuse.example.sch.uk:8443")]
    [InlineData("http://localhost:5000", "localhost", "http://localhost:5000")]
    [InlineData("http://127.0.0.1:5080", null, null)]
    [InlineData("https://[::1]", null, null)]
    [InlineData("http://safeuse.example.sch.uk", null, null)]
    [InlineData("", null, null)]
    public void The_relying_party_is_the_public_address_host_and_passkeys_are_off_where_browsers_refuse_them(string publicUrl, string? id, string? origin)
    {
        var party = RelyingParty.From(publicUrl);
        party?.Id.ShouldBe(id);
        party?.Origin.ShouldBe(origin);
        (party is null).ShouldBe(id is null);
    }

    [Theory, BothDatabases]
    internal async Task Without_a_public_address_browsers_accept_passkeys_are_not_offered_and_their_endpoints_answer_404(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        // No SafeUse:PublicUrl: it follows the listening address, http://127.0.0.1:5080, and no browser takes an IP address as relying party.
        await using var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var b = app.Browse();
        var signIn = await b.GetAsync(SignIn);
        signIn.Document.QuerySelector("#passkey-form").ShouldBeNull();
        var token = signIn.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        (await b.Client.PostAsync(SignIn + "?handler=PasskeyOptions", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var enrol = await PasswordOnlyAsync(b, w.Dsl.Email!);
        enrol.Heading.ShouldBe("Set up your authenticator app");
        enrol.Document.QuerySelector("#passkey-form").ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task A_DSL_made_to_enrol_chooses_a_passkey_keeps_recovery_codes_and_then_signs_in_with_it_alone(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();

        var b = app.Browse();
        var enrol = await PasswordOnlyAsync(b, w.Dsl.Email!);
        PathOf(enrol).ShouldBe(Enrol);
        enrol.Document.QuerySelector("#required").ShouldNotBeNull();
        enrol.Document.QuerySelector("#qr svg").ShouldNotBeNull("an authenticator app is still offered");
        enrol.Document.QuerySelector("#passkey-form[data-passkey=create]").ShouldNotBeNull();
        enrol.Document.QuerySelector("#passkey-unsupported").ShouldNotBeNull("the page can say when the browser has no WebAuthn");

        var options = await OptionsAsync(b, enrol);
        options.ShouldContain("\"userVerification\":\"required\"");
        options.ShouldContain("\"residentKey\":\"preferred\"");
        options.ShouldContain("\"id\":\"localhost\"");
        var done = await AnswerAsync(b, enrol, key.Create(options), "Work laptop");
        done.Errors.ShouldBeEmpty();
        done.Document.QuerySelector(".govuk-panel__title")!.TextContent.ShouldBe("Your passkey is set up");
        done.Document.QuerySelectorAll("#recovery-codes code").Length.ShouldBe(SecondFactorService.RecoveryCodeCount);
        PathOf(await b.GetAsync("/incidents")).ShouldBe("/incidents");

        await using (var ctx = db.Context())
        {
            (await ctx.Accounts.SingleAsync(a => a.PersonId == w.Dsl.Id)).SecondFactorEnabled.ShouldBeTrue();
            var factor = await ctx.SecondFactors.SingleAsync(f => f.PersonId == w.Dsl.Id && f.Kind == SecondFactorKind.Passkey);
            factor.Label.ShouldBe("Work laptop");
            factor.CredentialId.ShouldBe(key.CredentialIds[0]);
            factor.PublicKey.ShouldNotBeEmpty();
            factor.UserHandle!.Length.ShouldBe(32);
            factor.Aaguid.ShouldBe(Guid.Empty.ToString());
            factor.Transports.ShouldBe("internal");
            factor.ConfirmedAt.ShouldNotBeNull();
        }

        // Later, on another computer: no email, no password, no code.
        var again = app.Browse();
        var signIn = await again.GetAsync(SignIn);
        signIn.Document.QuerySelector("#passkey-form button")!.TextContent.ShouldBe("Sign in with a passkey");
        var signInOptions = await OptionsAsync(again, signIn);
        signInOptions.ShouldNotContain("allowCredentials\":[{");
        var home = await AnswerAsync(again, signIn, key.Get(signInOptions));
        home.Errors.ShouldBeEmpty();
        PathOf(home).ShouldBe("/");
        PathOf(await again.GetAsync("/incidents")).ShouldBe("/incidents", "the passkey gave the second factor: the session is not pending");

        var actions = await AuditActionsAsync(db, w.Dsl.Id);
        actions.ShouldContain("second-factor.passkey-added");
        actions.ShouldContain("account.sign-in");
    }

    [Theory, BothDatabases]
    internal async Task A_passkey_answers_the_prompt_after_a_password_and_the_step_up_for_a_restricted_record(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, Settings);
        var teacher = app.Browse();
        await teacher.SignInAsync(w.Teacher.Email!, Seed.Password);
        var first = await teacher.SubmitAsync(await teacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.StaffConduct });
        (await teacher.SubmitAsync(first, new Dictionary<string, string> { ["WhatHappened"] = "Messaged a pupil privately.", ["SubjectId"] = w.Manager.Id.ToString(CultureInfo.InvariantCulture) })).Errors.ShouldBeEmpty();
        long id;
        await using (var ctx = db.Context())
        {
            id = (await ctx.Incidents.SingleAsync(i => i.Restricted)).Id;
        }

        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Head.Email!, key);

        var head = app.Browse();
        var prompt = await PasswordOnlyAsync(head, w.Head.Email!);
        PathOf(prompt).ShouldBe(Prompt);
        PathOf(await head.GetAsync("/incidents")).ShouldBe(Prompt, "a password alone reaches nothing");
        var options = await OptionsAsync(head, prompt);
        options.ShouldContain(key.CredentialIds[0], Case.Sensitive);
        PathOf(await AnswerAsync(head, prompt, key.Get(options))).ShouldBe("/");

        var record = $"/incidents/{id}";
        (await head.GetAsync(record)).Document.QuerySelector("#restricted-note").ShouldNotBeNull();
        // The session kept alive as a day's use would, until the factor is more than 12 hours old.
        foreach (var hours in new[] { 5.0, 5.0 })
        {
            time.Advance(TimeSpan.FromHours(hours));
            await head.GetAsync("/");
        }

        time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(2));
        var ask = await head.GetAsync(record);
        PathOf(ask).ShouldBe(Prompt);
        ask.Document.QuerySelector("#step-up").ShouldNotBeNull();
        var back = await AnswerAsync(head, ask, key.Get(await OptionsAsync(head, ask)));
        PathOf(back).ShouldBe(record);
        back.Document.QuerySelector("#restricted-note").ShouldNotBeNull();
        (await AuditActionsAsync(db, w.Head.Id)).Count(a => a == "second-factor.passkey-used").ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task A_passkey_for_another_origin_or_relying_party_or_without_user_verification_is_refused(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, key);

        // A look-alike site relaying SafeUse's challenge: the browser writes its own origin into clientDataJSON.
        key.Origin = "http://safeuse.example.evil";
        var b = app.Browse();
        var refused = await PasskeySignInAsync(b, key);
        PathOf(refused).ShouldBe(SignIn);
        refused.Errors.ShouldContain(SignInModel.PasskeyRefused);
        key.Origin = "http://localhost";

        key.RpId = "evil.example";
        PathOf(await PasskeySignInAsync(b, key)).ShouldBe(SignIn);
        key.RpId = "localhost";

        key.UserVerified = false;
        PathOf(await PasskeySignInAsync(b, key)).ShouldBe(SignIn);
        // Nor can a passkey be set up without it.
        var teacher = app.Browse();
        var teacherKey = new SoftAuthenticator { UserVerified = false };
        var notAdded = await EnrolPasskeyAsync(teacher, w.Teacher.Email!, teacherKey);
        notAdded.Errors.ShouldContain(EnrolModel.PasskeyRefused);
        key.UserVerified = true;

        PathOf(await b.GetAsync("/incidents")).ShouldBe(SignIn, "none of them signed in");
        PathOf(await PasskeySignInAsync(b, key)).ShouldBe("/", "the right answer still works afterwards");
        await using var ctx = db.Context();
        (await ctx.SecondFactors.AnyAsync(f => f.PersonId == w.Teacher.Id && f.Kind == SecondFactorKind.Passkey)).ShouldBeFalse();
    }

    [Theory, BothDatabases]
    internal async Task A_challenge_is_answered_once_and_only_by_the_browser_that_asked_for_it(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, key);

        var b = app.Browse();
        var page = await b.GetAsync(SignIn);
        var answer = key.Get(await OptionsAsync(b, page));
        PathOf(await AnswerAsync(b, page, answer)).ShouldBe("/");

        // The same answer again: its challenge is used up, whether posted with no ceremony or under a new one.
        var replay = app.Browse();
        var replayPage = await replay.GetAsync(SignIn);
        PathOf(await AnswerAsync(replay, replayPage, answer)).ShouldBe(SignIn);
        await OptionsAsync(replay, replayPage);
        var refused = await AnswerAsync(replay, replayPage, answer);
        PathOf(refused).ShouldBe(SignIn);
        refused.Errors.ShouldContain(SignInModel.PasskeyRefused);

        // A challenge one browser asked for, answered from another (which has no ceremony cookie), is refused too.
        var asker = app.Browse();
        var askerPage = await asker.GetAsync(SignIn);
        var other = key.Get(await OptionsAsync(asker, askerPage));
        var thief = app.Browse();
        PathOf(await AnswerAsync(thief, await thief.GetAsync(SignIn), other)).ShouldBe(SignIn);
    }

    [Theory, BothDatabases]
    internal async Task Someone_elses_passkey_does_not_answer_your_prompt(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var dslKey = new SoftAuthenticator();
        var headKey = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, dslKey);
        await EnrolPasskeyAsync(app.Browse(), w.Head.Email!, headKey);

        var head = app.Browse();
        var prompt = await PasswordOnlyAsync(head, w.Head.Email!);
        var options = await OptionsAsync(head, prompt);
        var challenge = System.Text.Json.Nodes.JsonNode.Parse(options)!["challenge"]!.GetValue<string>();
        var refused = await AnswerAsync(head, prompt, dslKey.Sign(0, challenge));
        PathOf(refused).ShouldBe(Prompt);
        refused.Errors.ShouldContain(SecondFactorModel.PasskeyRefused);
        PathOf(await head.GetAsync("/incidents")).ShouldBe(Prompt);
    }

    [Theory, BothDatabases]
    internal async Task A_counter_that_goes_back_is_refused_as_a_possible_copy_and_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, key);
        PathOf(await PasskeySignInAsync(app.Browse(), key)).ShouldBe("/");
        PathOf(await PasskeySignInAsync(app.Browse(), key)).ShouldBe("/");

        key.SetCounter(0, 1);
        var refused = await PasskeySignInAsync(app.Browse(), key);
        PathOf(refused).ShouldBe(SignIn);
        refused.Errors.ShouldContain(SignInModel.PasskeyRefused);
        // A copy answering 0 (as a key that keeps no counter would) cannot turn the check off once the key has counted.
        key.SetCounter(0, uint.MaxValue);
        var zero = await PasskeySignInAsync(app.Browse(), key);
        PathOf(zero).ShouldBe(SignIn);
        zero.Errors.ShouldContain(SignInModel.PasskeyRefused);

        await using var ctx = db.Context();
        var id = w.Dsl.Id.ToString(CultureInfo.InvariantCulture);
        var cloned = await ctx.AuditEvents.Where(e => e.Action == "second-factor.passkey-cloned" && e.EntityId == id).ToListAsync();
        cloned.Count.ShouldBe(2);
        cloned.ShouldAllBe(e => e.Summary.Contains("may have been copied"));
        // Adding the passkey was emailed to its owner (someone else in the account could not add one unnoticed).
        (await ctx.Outbox.CountAsync(m => m.ToAddress == w.Dsl.Email && m.Subject == "A passkey was added to your SafeUse account")).ShouldBe(1);
        (await ctx.SecondFactors.SingleAsync(f => f.PersonId == w.Dsl.Id && f.Kind == SecondFactorKind.Passkey)).SignCount.ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task A_leaver_cannot_sign_in_with_their_passkey(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, key);
        await using (var ctx = db.Context())
        {
            (await ctx.People.SingleAsync(p => p.Id == w.Dsl.Id)).IsLeaver = true;
            await ctx.SaveChangesAsync();
        }

        var refused = await PasskeySignInAsync(app.Browse(), key);
        PathOf(refused).ShouldBe(SignIn);
        refused.Errors.ShouldContain(SignInModel.PasskeyRefused);

        // And a key SafeUse has never seen says nothing different.
        var stranger = new SoftAuthenticator();
        stranger.Create("""{"challenge":"AAAA","user":{"id":"AAAA"}}""");
        (await PasskeySignInAsync(app.Browse(), stranger)).Errors.ShouldContain(SignInModel.PasskeyRefused);
    }

    [Theory, BothDatabases]
    internal async Task Passkeys_are_added_named_and_removed_on_sign_in_and_security_but_not_the_last_factor_a_role_needs(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, Settings);

        // A teacher (no role needing one) sets up a passkey, adds a second, and removes both.
        var key = new SoftAuthenticator();
        var teacher = app.Browse();
        await EnrolPasskeyAsync(teacher, w.Teacher.Email!, key, "Laptop");
        var security = await teacher.GetAsync("/account/security");
        security.Document.QuerySelector("#factor-status")!.TextContent.ShouldBe("1 passkey");
        var options = await OptionsAsync(teacher, security);
        options.ShouldContain(key.CredentialIds[0], Case.Sensitive);
        Should.Throw<InvalidOperationException>(() => key.Create(options)).Message.ShouldContain("InvalidStateError", customMessage: "the one it has is excluded");
        var second = new SoftAuthenticator();
        var added = await AnswerAsync(teacher, security, second.Create(await OptionsAsync(teacher, security)), "Blue key");
        PathOf(added).ShouldBe("/account/security");
        added.Document.QuerySelector("#factor-status")!.TextContent.ShouldBe("2 passkeys");
        added.Document.QuerySelector("#passkeys")!.TextContent.ShouldContain("Blue key");
        await using (var ctx = db.Context())
        {
            (await ctx.RecoveryCodes.CountAsync(c => c.PersonId == w.Teacher.Id)).ShouldBe(SecondFactorService.RecoveryCodeCount, "the second passkey makes no new codes");
        }

        // Signed in elsewhere with the laptop's passkey: removing it (a lost laptop) ends that session, not this one.
        var elsewhere = app.Browse();
        PathOf(await PasskeySignInAsync(elsewhere, key)).ShouldBe("/");
        var removed = await teacher.SubmitAsync(added, new Dictionary<string, string>(), "#passkeys form");
        removed.Text.ShouldContain("signed out everywhere else");
        PathOf(await elsewhere.GetAsync("/account/security")).ShouldBe(SignIn);
        PathOf(await teacher.GetAsync("/account/security")).ShouldBe("/account/security");
        removed.Document.QuerySelector("#factor-status")!.TextContent.ShouldBe("1 passkey");
        removed.Document.QuerySelector("#passkeys")!.TextContent.ShouldNotContain("Laptop");
        var none = await teacher.SubmitAsync(removed, new Dictionary<string, string>(), "#passkeys form");
        none.Document.QuerySelector("#factor-status")!.TextContent.ShouldStartWith("None");

        // The DSL's role needs a factor: their only passkey stays.
        var dsl = app.Browse();
        await EnrolPasskeyAsync(dsl, w.Dsl.Email!, new SoftAuthenticator());
        var page = await dsl.GetAsync("/account/security");
        var refused = await dsl.SubmitAsync(page, new Dictionary<string, string>(), "#passkeys form");
        refused.Errors.ShouldContain(SecurityModel.LastFactorRefused);

        // After 12 hours, changing passkeys asks for the second factor first.
        foreach (var hours in new[] { 5.0, 5.0 })
        {
            time.Advance(TimeSpan.FromHours(hours));
            page = await dsl.GetAsync("/account/security");
        }

        time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var ask = await dsl.SubmitAsync(page, new Dictionary<string, string>(), "#passkeys form");
        PathOf(ask).ShouldBe(Prompt);
        ask.Document.QuerySelector("#step-up").ShouldNotBeNull();

        await using var check = db.Context();
        (await check.SecondFactors.CountAsync(f => f.PersonId == w.Dsl.Id && f.Kind == SecondFactorKind.Passkey)).ShouldBe(1);
        var actions = await AuditActionsAsync(db, w.Teacher.Id);
        actions.Count(a => a == "second-factor.passkey-added").ShouldBe(2);
        actions.ShouldContain("second-factor.passkey-removed");
        actions.ShouldContain("second-factor.removed");
    }

    [Theory, BothDatabases]
    internal async Task An_administrators_reset_removes_passkeys_too(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: Settings);
        var key = new SoftAuthenticator();
        await EnrolPasskeyAsync(app.Browse(), w.Dsl.Email!, key);

        var admin = app.Browse();
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        (await admin.GetAsync($"/people/{w.Dsl.Id}")).Document.QuerySelector("#second-factor")!.TextContent.ShouldBe("Passkey");
        var confirm = await admin.GetAsync($"/people/{w.Dsl.Id}/second-factor/reset");
        (await admin.SubmitAsync(confirm, new Dictionary<string, string>())).Text.ShouldContain("is reset");

        (await PasskeySignInAsync(app.Browse(), key)).Errors.ShouldContain(SignInModel.PasskeyRefused);
        await using var ctx = db.Context();
        (await ctx.SecondFactors.CountAsync(f => f.PersonId == w.Dsl.Id)).ShouldBe(0);
        (await ctx.RecoveryCodes.CountAsync(c => c.PersonId == w.Dsl.Id)).ShouldBe(0);
        (await ctx.Outbox.SingleAsync(m => m.ToAddress == w.Dsl.Email && m.Subject.Contains("second factor"))).Body.ShouldContain("passkeys");
    }
}
