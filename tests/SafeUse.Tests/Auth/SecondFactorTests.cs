using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Accounts;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Incidents;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

/// <summary>Second factors through the web pages, on both databases: enrolment, codes, recovery codes, step-up, reset.</summary>
public sealed class SecondFactorTests
{
    private const string Enrol = "/account/second-factor/enrol";
    private const string Prompt = "/account/second-factor";
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    /// <summary>Password only: whatever page SafeUse answers with, no second factor given.</summary>
    private static async Task<Browser.Page> PasswordOnlyAsync(Browser b, string email)
    {
        var page = await b.GetAsync("/account/sign-in");
        return await b.SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Seed.Password });
    }

    private static Task<Browser.Page> CodeAsync(Browser b, Browser.Page prompt, string code) =>
        b.SubmitAsync(prompt, new Dictionary<string, string> { ["Code"] = code });

    private static string PathOf(Browser.Page page) => new Uri(page.Url).AbsolutePath;

    [Theory, BothDatabases]
    internal async Task Every_privileged_role_must_enrol_before_any_page_form_or_download_and_staff_and_governors_need_not(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var people = new List<(Role Role, string Email)>();
        string staffEmail, governorEmail;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            foreach (var role in SecondFactorService.RequiredRoles)
            {
                var p = await Seed.PersonAsync(ctx, trust, a, "Pat", role.ToString(), (role, role is Role.Administrator or Role.ExecutiveLeader or Role.Dpo ? null : a));
                people.Add((role, p.Email!));
            }

            staffEmail = (await Seed.PersonAsync(ctx, trust, a, "Sam", "Staff")).Email!;
            governorEmail = (await Seed.PersonAsync(ctx, trust, a, "Gil", "Governor", (Role.Governor, a))).Email!;
        }

        await using var app = new AppFactory(db, settings: NoScheduler);
        foreach (var (role, email) in people)
        {
            var b = app.Browse();
            var first = await PasswordOnlyAsync(b, email);
            PathOf(first).ShouldBe(Enrol, role.ToString());
            first.Document.QuerySelector("#required").ShouldNotBeNull(role.ToString());
            first.Document.QuerySelector("#qr svg").ShouldNotBeNull();
            first.Document.QuerySelector("#secret")!.TextContent.Replace(" ", "", StringComparison.Ordinal).Length.ShouldBe(32, "160 bits in Base32");

            PathOf(await b.GetAsync("/people")).ShouldBe(Enrol, role.ToString());
            PathOf(await b.GetAsync("/account/security")).ShouldBe(Enrol, role.ToString());

            // A form post (a new password) is turned away before it runs: the password stays as it was.
            var post = await b.Client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Password"] = "a brand new long password" }));
            post.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe(Enrol, role.ToString());
            await using (var ctx = db.Context())
            {
                var account = await ctx.Accounts.SingleAsync(x => ctx.People.Any(p => p.Id == x.PersonId && p.Email == email));
                var person = await ctx.People.SingleAsync(p => p.Email == email);
                new Microsoft.AspNetCore.Identity.PasswordHasher<Person>().VerifyHashedPassword(person, account.PasswordHash!, Seed.Password)
                    .ShouldNotBe(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed, role.ToString());
                account.SecondFactorEnabled.ShouldBeFalse();
            }

            // And so is a download.
            var csv = await b.Client.GetAsync("/incidents/breaches?format=csv");
            csv.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe(Enrol, role.ToString());
            csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");

            var home = await b.PassSecondFactorAsync(first, email);
            home.Heading.ShouldStartWith("Hello", customMessage: role.ToString());
            (await b.GetAsync("/account/security")).Document.QuerySelector("#factor-status")!.TextContent.ShouldContain("Authenticator app");
        }

        foreach (var email in new[] { staffEmail, governorEmail })
        {
            var b = app.Browse();
            var home = await PasswordOnlyAsync(b, email);
            home.Heading.ShouldStartWith("Hello", customMessage: email);
            (await b.GetAsync("/my/policies")).Status.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Theory, BothDatabases]
    internal async Task A_role_the_trust_adds_must_enrol_on_its_next_request_and_the_change_is_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, settings: NoScheduler);

        var it = app.Browse();
        (await it.SignInAsync(w.ItLead.Email!, Seed.Password)).Heading.ShouldStartWith("Hello");

        var admin = app.Browse();
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        var settings = await admin.GetAsync("/settings/second-factor");
        settings.Document.QuerySelector("#always")!.TextContent.ShouldContain("Designated Safeguarding Lead");
        await admin.SubmitAsync(settings, new Dictionary<string, string> { ["Selected"] = "it-lead" });

        PathOf(await it.GetAsync("/")).ShouldBe(Enrol);
        (await app.Browse().SignInAsync(w.Teacher.Email!, Seed.Password)).Heading.ShouldStartWith("Hello");
        await using var ctx = db.Context();
        (await ctx.AuditEvents.SingleAsync(e => e.Action == "trust.second-factor-roles")).Summary.ShouldContain("IT lead");
    }

    [Theory, BothDatabases]
    internal async Task Codes_are_right_once_within_one_step_either_side_and_wrong_reused_or_outside_the_window_are_refused(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);
        var email = w.Head.Email!;
        await app.Browse().SignInAsync(email, Seed.Password);
        var secret = app.Authenticator.Secret(email);
        time.Advance(TimeSpan.FromMinutes(5));
        var now = TestAuthenticator.Step(time.GetUtcNow());

        var b = app.Browse();
        var prompt = await PasswordOnlyAsync(b, email);
        PathOf(prompt).ShouldBe(Prompt);
        PathOf(await b.GetAsync("/incidents")).ShouldBe(Prompt);
        prompt.Document.QuerySelector("#demo-code").ShouldBeNull();

        var wrongCode = TestAuthenticator.CodeAt(secret, now) == "000000" ? "111111" : "000000";
        (await CodeAsync(b, prompt, wrongCode)).Errors.ShouldContain(SecondFactorModel.Refused);
        (await CodeAsync(b, prompt, TestAuthenticator.CodeAt(secret, now + 2))).Errors.ShouldContain(SecondFactorModel.Refused);
        (await CodeAsync(b, prompt, TestAuthenticator.CodeAt(secret, now - 2))).Errors.ShouldContain(SecondFactorModel.Refused);
        var home = await CodeAsync(b, prompt, TestAuthenticator.CodeAt(secret, now));
        home.Heading.ShouldBe("Hello, Hana");
        (await b.GetAsync("/incidents")).Status.ShouldBe(HttpStatusCode.OK);

        // The same code again, in another sign-in within its 30 seconds: refused as used.
        var again = app.Browse();
        var second = await PasswordOnlyAsync(again, email);
        (await CodeAsync(again, second, TestAuthenticator.CodeAt(secret, now))).Errors.ShouldContain(SecondFactorModel.Refused);
        // An earlier step than one used is refused too, though within the window.
        (await CodeAsync(again, second, TestAuthenticator.CodeAt(secret, now - 1))).Errors.ShouldContain(SecondFactorModel.Refused);
        // The next step (a phone's clock 30 seconds ahead) is accepted.
        (await CodeAsync(again, second, TestAuthenticator.CodeAt(secret, now + 1))).Heading.ShouldBe("Hello, Hana");

        // One step behind is accepted: a code typed as it changed.
        time.Advance(TimeSpan.FromSeconds(90));
        var third = app.Browse();
        var late = await PasswordOnlyAsync(third, email);
        (await CodeAsync(third, late, TestAuthenticator.CodeAt(secret, now + 2))).Heading.ShouldBe("Hello, Hana");

        await using var ctx = db.Context();
        (await ctx.AuditEvents.CountAsync(e => e.Action == "second-factor.refused" && e.EntityId == w.Head.Id.ToString(CultureInfo.InvariantCulture))).ShouldBe(5);
    }

    [Theory, BothDatabases]
    internal async Task Ten_recovery_codes_are_shown_once_and_each_signs_in_once(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var email = w.Dpo.Email!;
        var b = app.Browse();
        var enrol = await PasswordOnlyAsync(b, email);
        var secret = enrol.Document.QuerySelector("#secret")!.TextContent;
        app.Authenticator.Add(email, secret);
        var done = await CodeAsync(b, enrol, app.Authenticator.NextCode(email));
        var codes = done.Document.QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent.Trim()).ToList();
        codes.Count.ShouldBe(10);
        codes.Distinct().Count().ShouldBe(10);

        // Never shown again: not on the security page, not on enrolment, and not stored as themselves.
        var security = await b.GetAsync("/account/security");
        security.Document.QuerySelector("#recovery-codes").ShouldBeNull();
        security.Document.QuerySelector("#codes-left")!.TextContent.ShouldBe("10 of 10 left");
        PathOf(await b.GetAsync(Enrol)).ShouldBe("/account/security");
        foreach (var code in codes)
        {
            security.Html.ShouldNotContain(code);
        }

        await using (var ctx = db.Context())
        {
            var hashes = await ctx.RecoveryCodes.Select(c => c.Hash).ToListAsync();
            hashes.Count.ShouldBe(10);
            hashes.ShouldAllBe(h => !codes.Any(c => h.Contains(c.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal)));
        }

        foreach (var code in codes)
        {
            var s = app.Browse();
            var prompt = await PasswordOnlyAsync(s, email);
            (await CodeAsync(s, prompt, code.ToLowerInvariant())).Heading.ShouldBe("Hello, Dee", code);
            if (code == codes[0])
            {
                var reuse = app.Browse();
                var p2 = await PasswordOnlyAsync(reuse, email);
                (await CodeAsync(reuse, p2, code)).Errors.ShouldContain(SecondFactorModel.Refused);
            }
        }

        var last = app.Browse();
        var lastPrompt = await PasswordOnlyAsync(last, email);
        (await CodeAsync(last, lastPrompt, codes[^1])).Errors.ShouldContain(SecondFactorModel.Refused);
        await using var check = db.Context();
        (await check.RecoveryCodes.CountAsync(c => c.UsedAt == null)).ShouldBe(0);
        (await check.AuditEvents.CountAsync(e => e.Action == "second-factor.recovery-code-used")).ShouldBe(10);
    }

    [Theory, BothDatabases]
    internal async Task Five_wrong_codes_pause_the_second_factor_for_fifteen_minutes_and_are_audited_without_the_codes(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);
        var email = w.Dsl.Email!;
        await app.Browse().SignInAsync(email, Seed.Password);
        var secret = app.Authenticator.Secret(email);
        time.Advance(TimeSpan.FromMinutes(2));

        var b = app.Browse();
        var prompt = await PasswordOnlyAsync(b, email);
        for (var i = 0; i < 4; i++)
        {
            (await CodeAsync(b, prompt, "12345" + i)).Errors.ShouldContain(SecondFactorModel.Refused);
        }

        (await CodeAsync(b, prompt, "999999")).Errors.ShouldContain(SecondFactorModel.Paused);
        var right = TestAuthenticator.CodeAt(secret, TestAuthenticator.Step(time.GetUtcNow()));
        var paused = await CodeAsync(b, prompt, right);
        paused.Errors.ShouldContain(SecondFactorModel.Paused);
        PathOf(paused).ShouldBe(Prompt);

        time.Advance(TimeSpan.FromMinutes(16));
        var later = await CodeAsync(b, prompt, TestAuthenticator.CodeAt(secret, TestAuthenticator.Step(time.GetUtcNow())));
        later.Heading.ShouldBe("Hello, Dev");

        await using var ctx = db.Context();
        var events = await ctx.AuditEvents.Where(e => e.Action.StartsWith("second-factor.")).ToListAsync();
        events.Count(e => e.Action == "second-factor.locked").ShouldBeGreaterThanOrEqualTo(1);
        events.ShouldAllBe(e => !e.Summary.Contains("12345") && !e.Summary.Contains(right));
    }

    [Theory, BothDatabases]
    internal async Task A_restricted_record_asks_for_the_second_factor_again_after_twelve_hours_and_not_before(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);
        var teacher = app.Browse();
        await teacher.SignInAsync(w.Teacher.Email!, Seed.Password);
        var first = await teacher.SubmitAsync(await teacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.StaffConduct });
        (await teacher.SubmitAsync(first, new Dictionary<string, string> { ["WhatHappened"] = "Messaged a pupil privately.", ["SubjectId"] = w.Manager.Id.ToString(CultureInfo.InvariantCulture) })).Errors.ShouldBeEmpty();
        long id;
        await using (var ctx = db.Context())
        {
            id = (await ctx.Incidents.SingleAsync(i => i.Restricted)).Id;
        }

        var head = app.Browse();
        await head.SignInAsync(w.Head.Email!, Seed.Password);
        var record = $"/incidents/{id}";
        (await head.GetAsync(record)).Document.QuerySelector("#restricted-note").ShouldNotBeNull();

        // Within 12 hours (the session kept alive as a day's use would), the record opens without asking.
        foreach (var hours in new[] { 5.0, 5.0, 1.98 })
        {
            time.Advance(TimeSpan.FromHours(hours));
            var page = await head.GetAsync(record);
            PathOf(page).ShouldBe(record);
            page.Document.QuerySelector("#restricted-note").ShouldNotBeNull();
        }

        time.Advance(TimeSpan.FromMinutes(2));
        var ask = await head.GetAsync(record);
        PathOf(ask).ShouldBe(Prompt);
        ask.Document.QuerySelector("#step-up").ShouldNotBeNull();
        // Other records and pages do not ask.
        (await head.GetAsync("/incidents")).Status.ShouldBe(HttpStatusCode.OK);

        var back = await head.PassSecondFactorAsync(ask, w.Head.Email!);
        PathOf(back).ShouldBe(record);
        back.Document.QuerySelector("#restricted-note").ShouldNotBeNull();
    }

    [Theory, BothDatabases]
    internal async Task An_administrator_resets_someone_elses_factor_audited_and_emailed_but_not_their_own_nor_outside_their_schools(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        Person birchAdmin;
        await using (var ctx = db.Context())
        {
            var trust = await ctx.Trusts.SingleAsync();
            var b = await ctx.Schools.SingleAsync(s => s.Id == w.B.Id);
            birchAdmin = await Seed.PersonAsync(ctx, trust, b, "Bo", "Admin", (Role.Administrator, b));
        }

        await using var app = new AppFactory(db, settings: NoScheduler);
        var head = app.Browse();
        await head.SignInAsync(w.Head.Email!, Seed.Password);

        var other = app.Browse();
        await other.SignInAsync(birchAdmin.Email!, Seed.Password);
        (await other.GetAsync($"/people/{w.Head.Id}/second-factor/reset")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await other.Client.PostAsync($"/people/{w.Head.Id}/second-factor/reset", new FormUrlEncodedContent([]))).StatusCode.ShouldNotBe(HttpStatusCode.OK);

        var admin = app.Browse();
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        (await admin.GetAsync($"/people/{w.Admin.Id}/second-factor/reset")).Status.ShouldBe(HttpStatusCode.Forbidden);
        var person = await admin.GetAsync($"/people/{w.Head.Id}");
        person.Document.QuerySelector("#second-factor")!.TextContent.ShouldBe("Authenticator app");
        var confirm = await admin.GetAsync(person.Document.QuerySelector("#reset-second-factor")!.GetAttribute("href")!);
        var done = await admin.SubmitAsync(confirm, new Dictionary<string, string>());
        done.Text.ShouldContain("is reset");
        done.Document.QuerySelector("#second-factor")!.TextContent.ShouldBe("None");

        // Their session has ended; signing in again takes them through enrolment once more.
        PathOf(await head.GetAsync("/incidents")).ShouldBe("/account/sign-in");
        PathOf(await PasswordOnlyAsync(app.Browse(), w.Head.Email!)).ShouldBe(Enrol);

        await using var check = db.Context();
        var e = await check.AuditEvents.SingleAsync(x => x.Action == "second-factor.reset");
        e.ActorPersonId.ShouldBe(w.Admin.Id);
        e.EntityId.ShouldBe(w.Head.Id.ToString(CultureInfo.InvariantCulture));
        var mail = await check.Outbox.SingleAsync(m => m.ToAddress == w.Head.Email && m.Subject.Contains("second factor"));
        mail.Body.ShouldContain("reset your second factor");
        mail.Body.ShouldNotContain("otpauth");
        // Only the unconfirmed one their new enrolment page made is left.
        (await check.SecondFactors.CountAsync(f => f.PersonId == w.Head.Id && f.ConfirmedAt != null)).ShouldBe(0);
        (await check.RecoveryCodes.CountAsync(f => f.PersonId == w.Head.Id)).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Nobody_removes_or_renews_their_own_factor_without_a_code_and_a_role_that_needs_one_cannot_remove_it(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);

        // A teacher may choose a second factor, and remove it again with a code.
        var teacher = app.Browse();
        await teacher.SignInAsync(w.Teacher.Email!, Seed.Password);
        var enrol = await teacher.GetAsync(Enrol);
        enrol.Document.QuerySelector("#required").ShouldBeNull();
        await teacher.PassSecondFactorAsync(enrol, w.Teacher.Email!);
        var security = await teacher.GetAsync("/account/security");
        (await teacher.SubmitAsync(security, new Dictionary<string, string>(), "#remove")).Errors.ShouldContain("Enter a code from your authenticator app, or a recovery code");
        (await teacher.SubmitAsync(security, new Dictionary<string, string> { ["RemoveCode"] = "000000" }, "#remove")).Errors.ShouldNotBeEmpty();
        (await teacher.SubmitAsync(security, new Dictionary<string, string>(), "#regenerate")).Errors.ShouldNotBeEmpty();
        await using (var ctx = db.Context())
        {
            (await ctx.Accounts.SingleAsync(a => a.PersonId == w.Teacher.Id)).SecondFactorEnabled.ShouldBeTrue();
        }

        var renewed = await teacher.SubmitAsync(security, new Dictionary<string, string> { ["RegenerateCode"] = app.Authenticator.NextCode(w.Teacher.Email!) }, "#regenerate");
        renewed.Document.QuerySelectorAll("#recovery-codes code").Length.ShouldBe(10);
        var removed = await teacher.SubmitAsync(security, new Dictionary<string, string> { ["RemoveCode"] = app.Authenticator.NextCode(w.Teacher.Email!) }, "#remove");
        removed.Document.QuerySelector("#factor-status")!.TextContent.ShouldStartWith("None");

        // The DSL's role needs one: the page offers no removal, and a hand-made post with a right code is refused.
        var dsl = app.Browse();
        await dsl.SignInAsync(w.Dsl.Email!, Seed.Password);
        var page = await dsl.GetAsync("/account/security");
        page.Document.QuerySelector("#remove").ShouldBeNull();
        page.Document.QuerySelector("#remove-refused").ShouldNotBeNull();
        var token = page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var post = await dsl.Client.PostAsync("/account/security?handler=Remove", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["RemoveCode"] = app.Authenticator.NextCode(w.Dsl.Email!),
            ["__RequestVerificationToken"] = token,
        }));
        (await Browser.Page.ReadAsync(post)).Errors.ShouldContain(e => e.StartsWith("Your role needs a second factor", StringComparison.Ordinal));
        await using var check = db.Context();
        (await check.Accounts.SingleAsync(a => a.PersonId == w.Dsl.Id)).SecondFactorEnabled.ShouldBeTrue();
        (await check.AuditEvents.CountAsync(e => e.Action == "second-factor.removed")).ShouldBe(1);
    }
}
