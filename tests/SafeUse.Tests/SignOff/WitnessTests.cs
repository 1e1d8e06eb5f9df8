using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.SignOff;

/// <summary>
/// Witnessed signing on a shared device: the witness chooses the person, the device shows a locked signing screen
/// that leads nowhere else, and only the witness's password on the confirmation ends it and records the signature.
/// </summary>
public sealed class WitnessTests
{
    private const string SignForm = "form[action*='Sign']";
    private const string HandBackForm = "form[action*='HandBack']";

    private static async Task<(SignOffWorld World, AppFactory App, long PolicyId, Browser Head)> HeadWitnessingAsync(TestDatabase db, Features.People.Role? audienceRole = null)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync(audienceRole: audienceRole);
        await world.PublishAsync(draft);
        var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var head = app.Browse();
        head.Client.DefaultRequestHeaders.UserAgent.ParseAdd("SharedTablet/1.0");
        (await head.SignInAsync(world.Head.Email!, Seed.Password)).Heading.ShouldBe("Hello, Hana");
        return (world, app, policyId, head);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<Browser.Page> HandOverAsync(Browser head, long policyId, long personId)
    {
        var choose = await head.GetAsync($"/policies/{policyId}/witness");
        return await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(personId) });
    }

    private static void ShouldLeadNowhere(Browser.Page page)
    {
        page.Document.QuerySelector("nav").ShouldBeNull();
        page.Document.QuerySelector("a[href='/account/password']").ShouldBeNull();
        page.Document.QuerySelector("form[action='/account/sign-out']").ShouldBeNull();
        page.Document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ShouldAllBe(href => href.StartsWith('#'));
    }

    [Theory, BothDatabases]
    internal async Task A_witness_without_a_password_hands_back_with_a_code_from_their_authenticator_app(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;
        // As where the trust signs in with Microsoft or Google only: no password, an authenticator app.
        await using (var ctx = db.Context())
        {
            await ctx.Accounts.Where(a => a.PersonId == world.Head.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, (string?)null));
        }

        var choose = await head.GetAsync($"/policies/{policyId}/witness");
        choose.Document.QuerySelector(".govuk-inset-text").ShouldBeNull();
        var locked = await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(world.Ann.Id) });
        var confirm = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, SignForm);
        confirm.Document.QuerySelector("label[for='Password']")!.TextContent.Trim().ShouldBe("Hana Head, enter a code from your authenticator app");
        world.Time.Advance(TimeSpan.FromMinutes(1));
        var wrong = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password });
        wrong.Errors.ShouldContain("That code is not right, or there have been too many attempts. Try again, or wait 15 minutes, or sign out");
        var done = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = app.Authenticator.NextCode(world.Head.Email!) });
        done.Text.ShouldContain("Ann Lee has signed, witnessed by Hana Head.");
        await using (var ctx = db.Context())
        {
            (await ctx.Signatures.SingleAsync()).WitnessPersonId.ShouldBe(world.Head.Id);
        }

        // Someone with neither cannot start: handing back would have no way to end the locked screen.
        await using (var ctx = db.Context())
        {
            await ctx.SecondFactors.Where(f => f.PersonId == world.Head.Id).ExecuteDeleteAsync();
        }

        var refused = await head.SubmitAsync(await head.GetAsync($"/policies/{policyId}/witness"), new Dictionary<string, string> { ["PersonId"] = Id(world.Ben.Id) });
        refused.Errors.ShouldContain("Set up an authenticator app or a password before you witness a signature: handing back the device asks for one");
    }

    [Theory, BothDatabases]
    internal async Task The_witness_chooses_the_person_first_the_device_is_locked_to_signing_and_their_password_records_the_signature(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;

        var choose = await head.GetAsync($"/policies/{policyId}/witness");
        choose.Document.QuerySelectorAll("#PersonId option").Select(o => o.TextContent.Trim()).ShouldContain("Ann Lee");
        choose.Document.QuerySelector("#policy-text").ShouldBeNull();
        choose.Text.ShouldNotContain("Use a long passphrase");

        var locked = await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(world.Ann.Id) });
        locked.Url.ShouldEndWith(WitnessLock.SigningPath);
        locked.Heading.ShouldBe("Staff Acceptable Use Policy");
        locked.Document.QuerySelector("#signer")!.TextContent.ShouldBe("For Ann Lee to read and sign, witnessed by Hana Head.");
        locked.Document.QuerySelector("#policy-text")!.TextContent.ShouldContain("Use a long passphrase");
        locked.Document.QuerySelector("label[for='Agreed']")!.TextContent.ShouldBe(PolicyText.DefaultDeclaration);
        ShouldLeadNowhere(locked);

        // Anything else the session asks for, read or write, lands back on the signing screen.
        foreach (var elsewhere in new[] { "/", "/people", $"/policies/{policyId}/register", "/account/password", "/audit", $"/policies/{policyId}/witness", "/account/sign-out" })
        {
            var page = await head.GetAsync(elsewhere);
            page.Url.ShouldEndWith(WitnessLock.SigningPath, customMessage: elsewhere);
            ShouldLeadNowhere(page);
        }

        var restart = await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(world.Ben.Id) });
        restart.Document.QuerySelector("#signer")!.TextContent.ShouldContain("Ann Lee");

        var wrongName = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Hana Head" }, SignForm);
        wrongName.Errors.ShouldContain("Type your full name as SafeUse has it: Ann Lee");
        ShouldLeadNowhere(wrongName);

        var signedAt = world.Time.GetUtcNow().UtcDateTime;
        var confirm = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, SignForm);
        confirm.Url.ShouldEndWith(WitnessLock.ConfirmPath);
        confirm.Heading.ShouldBe("Hand the device back to Hana Head");
        confirm.Document.QuerySelector("#outcome")!.TextContent.ShouldContain("Ann Lee has signed");
        confirm.Document.QuerySelector("nav").ShouldBeNull();
        (await head.GetAsync("/")).Url.ShouldEndWith(WitnessLock.ConfirmPath);
        (await head.GetAsync(WitnessLock.SigningPath)).Url.ShouldEndWith(WitnessLock.ConfirmPath);
        await using (var ctx = db.Context())
        {
            (await ctx.Signatures.CountAsync()).ShouldBe(0);
        }

        world.Time.Advance(TimeSpan.FromMinutes(1));
        var wrong = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = "Ann guessing" });
        wrong.Errors.ShouldContain("Your password is not right, or there have been too many attempts. Try again, or wait 15 minutes, or sign out");
        var done = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password });
        done.Url.ShouldEndWith($"/policies/{policyId}/witness");
        done.Text.ShouldContain("Ann Lee has signed, witnessed by Hana Head.");
        done.Document.QuerySelector("nav").ShouldNotBeNull();
        (await head.GetAsync("/")).Heading.ShouldBe("Hello, Hana");

        await using (var ctx = db.Context())
        {
            var signature = await ctx.Signatures.SingleAsync();
            var version = await ctx.PolicyVersions.SingleAsync();
            signature.PersonId.ShouldBe(world.Ann.Id);
            signature.Method.ShouldBe(SignMethod.InPersonWitnessed);
            signature.WitnessPersonId.ShouldBe(world.Head.Id);
            signature.TypedName.ShouldBe("Ann Lee");
            signature.Declaration.ShouldBe(PolicyText.DefaultDeclaration);
            signature.TextSha256.ShouldBe(version.TextSha256);
            signature.UserAgent.ShouldBe("SharedTablet/1.0");
            signature.SignedAt.ShouldBe(signedAt);
            (await ctx.SignOffRequests.SingleAsync(r => r.PersonId == world.Ann.Id)).Status.ShouldBe(RequestStatus.Signed);
            var evt = await ctx.AuditEvents.SingleAsync(e => e.Action == "policy.signed");
            evt.Summary.ShouldBe("Ann Lee signed Staff Acceptable Use Policy version 1.0, witnessed by Hana Head");
            evt.ActorPersonId.ShouldBe(world.Head.Id);
        }

        var register = await head.GetAsync($"/policies/{policyId}/register");
        register.Document.QuerySelectorAll("#register tbody tr").Single(r => r.TextContent.Contains("Lee, Ann")).TextContent.ShouldContain("(in person, witnessed)");
    }

    [Theory, BothDatabases]
    internal async Task Handing_back_without_signing_records_nothing_once_the_witness_confirms(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;
        var locked = await HandOverAsync(head, policyId, world.Ben.Id);
        var confirm = await head.SubmitAsync(locked, new Dictionary<string, string>(), HandBackForm);
        confirm.Url.ShouldEndWith(WitnessLock.ConfirmPath);
        confirm.Document.QuerySelector("#outcome")!.TextContent.ShouldContain("Ben Day handed the device back without signing");
        (await head.GetAsync("/people")).Url.ShouldEndWith(WitnessLock.ConfirmPath);

        var done = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password });
        done.Text.ShouldContain("Ben Day handed the device back without signing: nothing was recorded.");
        (await head.GetAsync("/people")).Url.ShouldEndWith("/people");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
        (await ctx.SignOffRequests.SingleAsync(r => r.PersonId == world.Ben.Id)).Status.ShouldBe(RequestStatus.Outstanding);
    }

    [Theory, BothDatabases]
    internal async Task Guessing_the_witness_password_pauses_and_signing_out_ends_the_lock_with_nothing_recorded(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;
        var locked = await HandOverAsync(head, policyId, world.Ann.Id);
        var confirm = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, SignForm);
        for (var i = 0; i < 5; i++)
        {
            (await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = "guess " + i })).Errors.ShouldNotBeEmpty();
        }

        // Paused: even the right password is refused, and the device stays locked.
        (await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password })).Url.ShouldEndWith(WitnessLock.ConfirmPath);
        (await head.GetAsync("/")).Url.ShouldEndWith(WitnessLock.ConfirmPath);

        var signedOut = await head.SubmitAsync(confirm, new Dictionary<string, string>(), "form[action='/account/sign-out']");
        signedOut.Heading.ShouldBe("You have signed out");
        (await head.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_person_outside_the_witness_schools_cannot_be_chosen(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;
        var choose = await head.GetAsync($"/policies/{policyId}/witness");
        choose.Document.QuerySelectorAll("#PersonId option").Select(o => o.TextContent.Trim()).ShouldNotContain("Bella Birch");

        var forged = await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(world.Bella.Id) });
        forged.Errors.ShouldContain("Choose who is signing");
        (await head.GetAsync("/")).Heading.ShouldBe("Hello, Hana");
        (await head.GetAsync(WitnessLock.SigningPath)).Heading.ShouldBe("Hello, Hana");
    }

    [Theory, BothDatabases]
    internal async Task A_person_the_policy_does_not_ask_to_sign_cannot_be_chosen(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db, audienceRole: Features.People.Role.LineManager);
        await using var _ = app;
        var choose = await head.GetAsync($"/policies/{policyId}/witness");
        choose.Document.QuerySelectorAll("#PersonId option").Select(o => o.TextContent.Trim()).ShouldBe(["Mo Manager"]);

        var forged = await head.SubmitAsync(choose, new Dictionary<string, string> { ["PersonId"] = Id(world.Ann.Id) });
        forged.Errors.ShouldContain("Choose who is signing");
        (await head.GetAsync("/")).Heading.ShouldBe("Hello, Hana");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_version_replaced_during_the_signing_cannot_be_signed_on_the_locked_screen_or_at_confirmation(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;

        // Replaced while the screen is open: the signing is refused there.
        var locked = await HandOverAsync(head, policyId, world.Ann.Id);
        await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V2, "2.0"), "2.0");
        var refused = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, SignForm);
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        refused.Document.QuerySelector("#replaced")!.TextContent.ShouldContain("replaced by version 2.0");
        refused.Document.QuerySelector(SignForm).ShouldBeNull();
        var confirm = await head.SubmitAsync(refused, new Dictionary<string, string>(), HandBackForm);
        confirm.Document.QuerySelector("#outcome")!.TextContent.ShouldContain("without signing");
        await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password });

        // Replaced after signing, before the witness confirms: nothing is recorded, and the witness is told why.
        locked = await HandOverAsync(head, policyId, world.Ben.Id);
        confirm = await head.SubmitAsync(locked, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ben Day" }, SignForm);
        confirm.Url.ShouldEndWith(WitnessLock.ConfirmPath);
        await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V1, "3.0"), "3.0");
        var told = await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password });
        told.Document.QuerySelector("#witness-problem")!.TextContent.ShouldContain("Version 2.0 was replaced while Ben Day was signing");
        (await head.GetAsync("/")).Heading.ShouldBe("Hello, Hana");

        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Each_step_refuses_a_post_without_the_antiforgery_token(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, head) = await HeadWitnessingAsync(db);
        await using var _ = app;
        static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

        (await head.Client.PostAsync($"/policies/{policyId}/witness", Form(("PersonId", Id(world.Ann.Id))))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await head.GetAsync("/")).Heading.ShouldBe("Hello, Hana");

        await HandOverAsync(head, policyId, world.Ann.Id);
        (await head.Client.PostAsync(WitnessLock.SigningPath + "?handler=Sign", Form(("Agreed", "true"), ("TypedName", "Ann Lee")))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await head.Client.PostAsync(WitnessLock.SigningPath + "?handler=HandBack", Form())).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var stillSigning = await head.GetAsync("/");
        stillSigning.Url.ShouldEndWith(WitnessLock.SigningPath);

        var confirm = await head.SubmitAsync(stillSigning, new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, SignForm);
        (await head.Client.PostAsync(WitnessLock.ConfirmPath, Form(("Password", Seed.Password)))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await head.GetAsync("/")).Url.ShouldEndWith(WitnessLock.ConfirmPath);
        await using (var ctx = db.Context())
        {
            (await ctx.Signatures.CountAsync()).ShouldBe(0);
        }

        (await head.SubmitAsync(confirm, new Dictionary<string, string> { ["Password"] = Seed.Password })).Text.ShouldContain("Ann Lee has signed, witnessed by Hana Head.");
    }
}
