using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.SignOff;

public sealed class SignOffHttpTests
{
    private readonly FakeTime time = new();

    private async Task<(SignOffWorld World, AppFactory App, long PolicyId)> PublishedAsync(TestDatabase db, PolicyScope scope = PolicyScope.Trust, Features.People.Role? audienceRole = null)
    {
        var world = await SignOffWorld.CreateAsync(db, time);
        var (policyId, draft) = await world.PolicyAsync(scope: scope, only: scope == PolicyScope.Schools ? world.A : null, audienceRole: audienceRole);
        await world.PublishAsync(draft);
        var app = new AppFactory(db, time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        return (world, app, policyId);
    }

    private static Dictionary<string, string> Signing(string name) => new() { ["Agreed"] = "true", ["TypedName"] = name };

    [Theory, BothDatabases]
    internal async Task A_member_of_staff_signs_and_the_record_holds_the_evidence(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd("SafeUseTest/1.0");
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        var home = await browser.GetAsync("/");
        home.Text.ShouldContain("Read and sign Staff Acceptable Use Policy (version 1.0)");

        var page = await browser.GetAsync($"/sign/{policyId}");
        page.Document.QuerySelector("#policy-text")!.TextContent.ShouldContain("Use a long passphrase");
        var signed = await browser.SubmitAsync(page, Signing("ann lee"), "form[action*='Sign']");
        signed.Document.QuerySelector("#signed")!.TextContent.ShouldContain("You signed version 1.0");

        await using var ctx = db.Context();
        var signature = await ctx.Signatures.SingleAsync();
        var version = await ctx.PolicyVersions.SingleAsync();
        signature.PersonId.ShouldBe(world.Ann.Id);
        signature.TextSha256.ShouldBe(SignOffService.HashOf(SignOffWorld.V1, PolicyText.DefaultDeclaration));
        signature.TextSha256.ShouldBe(version.TextSha256);
        signature.Declaration.ShouldBe(PolicyText.DefaultDeclaration);
        signature.TypedName.ShouldBe("ann lee");
        signature.UserAgent.ShouldBe("SafeUseTest/1.0");
        signature.Method.ShouldBe(SignMethod.SelfService);
        signature.SignedAt.ShouldBe(time.GetUtcNow().UtcDateTime);
        (await ctx.SignOffRequests.SingleAsync(r => r.PersonId == world.Ann.Id)).Status.ShouldBe(RequestStatus.Signed);
        (await ctx.AuditEvents.CountAsync(e => e.Action == "policy.signed" && e.Summary.Contains("Ann Lee signed"))).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task A_wrong_name_or_no_tick_is_refused_with_the_reason_and_nothing_is_written(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (_, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        var page = await browser.GetAsync($"/sign/{policyId}");
        var noTick = await browser.SubmitAsync(page, new Dictionary<string, string> { ["TypedName"] = "Ann Lee" }, "form[action*='Sign']");
        noTick.Errors.ShouldContain("Tick the box to confirm you have read and agree to the policy");
        var wrongName = await browser.SubmitAsync(page, Signing("Someone Else"), "form[action*='Sign']");
        wrongName.Errors.ShouldContain("Type your full name as SafeUse has it: Ann Lee");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_double_submit_makes_one_record(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (_, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        var page = await browser.GetAsync($"/sign/{policyId}");
        var both = await Task.WhenAll(browser.SubmitAsync(page, Signing("Ann Lee"), "form[action*='Sign']"), browser.SubmitAsync(page, Signing("Ann Lee"), "form[action*='Sign']"));
        both.ShouldAllBe(p => p.Status == HttpStatusCode.OK);
        var third = await browser.SubmitAsync(page, Signing("Ann Lee"), "form[action*='Sign']");
        third.Text.ShouldContain("You had already signed this version");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(1);
        (await ctx.AuditEvents.CountAsync(e => e.Action == "policy.signed")).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task Signing_a_superseded_version_is_refused_and_points_to_the_current_one(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        var oldPage = await browser.GetAsync($"/sign/{policyId}");
        await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V2, "2.0"), "2.0");

        var refused = await browser.SubmitAsync(oldPage, Signing("Ann Lee"), "form[action*='Sign']");
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        refused.Document.QuerySelector("#superseded")!.TextContent.ShouldContain("replaced by version 2.0");
        refused.Document.QuerySelector("#superseded a")!.GetAttribute("href").ShouldBe($"/sign/{policyId}");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_person_outside_the_audience_cannot_sign(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (_, app, policyId) = await PublishedAsync(db, audienceRole: Features.People.Role.Dsl);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        (await browser.GetAsync($"/sign/{policyId}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        await using var ctx = db.Context();
        (await ctx.SignOffRequests.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_person_of_another_school_cannot_sign_or_read_the_register(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db, PolicyScope.Schools);
        await using var _ = app;
        var bella = app.Browse();
        await bella.SignInAsync("bella.birch@test.sch.uk", Seed.Password);
        (await bella.GetAsync($"/sign/{policyId}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await bella.GetAsync($"/policies/{policyId}/register")).Status.ShouldBe(HttpStatusCode.Forbidden);
        await using var ctx = db.Context();
        (await ctx.SignOffRequests.AnyAsync(r => r.PersonId == world.Bella.Id)).ShouldBeFalse();
    }

    [Theory, BothDatabases]
    internal async Task A_query_goes_to_the_owner_shows_in_the_register_and_an_answer_reopens_signing(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var ann = app.Browse();
        await ann.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        var page = await ann.GetAsync($"/sign/{policyId}");
        var empty = await ann.SubmitAsync(page, new Dictionary<string, string> { ["Question"] = " " }, "form[action*='Query']");
        empty.Errors.ShouldContain("Write your question");
        await ann.SubmitAsync(page, new Dictionary<string, string> { ["Question"] = "Does this cover my own phone on trips?" }, "form[action*='Query']");

        await using (var ctx = db.Context())
        {
            var email = await ctx.Outbox.SingleAsync(e => e.Subject.StartsWith("A question about"));
            email.ToAddress.ShouldBe("lee.lead@test.sch.uk");
            email.Body.ShouldNotContain("own phone");
        }

        var lead = app.Browse();
        await lead.SignInAsync("lee.lead@test.sch.uk", Seed.Password);
        var register = await lead.GetAsync($"/policies/{policyId}/register?status=Query");
        register.Document.QuerySelectorAll("#register tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Lee, Ann"]);

        var queries = await lead.GetAsync($"/policies/{policyId}/queries");
        queries.Text.ShouldContain("Does this cover my own phone on trips?");
        await lead.SubmitAsync(queries, new Dictionary<string, string> { ["Answer"] = "Yes, when you use it for school work." });
        (await ann.GetAsync($"/sign/{policyId}")).Text.ShouldContain("Yes, when you use it for school work.");
        await using var check = db.Context();
        (await check.SignOffRequests.SingleAsync(r => r.PersonId == world.Ann.Id)).Status.ShouldBe(RequestStatus.Outstanding);
    }

    [Theory, BothDatabases]
    internal async Task A_new_material_version_shows_what_changed_since_the_version_last_signed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await browser.SubmitAsync(await browser.GetAsync($"/sign/{policyId}"), Signing("Ann Lee"), "form[action*='Sign']");
        await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V2, "2.0"), "2.0");

        var page = await browser.GetAsync($"/sign/{policyId}");
        page.Heading.ShouldBe("Staff Acceptable Use Policy");
        page.Text.ShouldContain("What changed since you signed version 1.0");
        var changes = page.Document.QuerySelector("#changes")!;
        changes.QuerySelectorAll("ins").Select(e => e.TextContent).ShouldContain(t => t.Contains("Turn on two-step sign-in"));
        changes.TextContent.ShouldContain("volunteers and contractors");
        await browser.SubmitAsync(page, Signing("Ann Lee"), "form[action*='Sign']");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync(s => s.PersonId == world.Ann.Id)).ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task Signatures_cannot_be_changed_or_deleted_even_with_sql(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await browser.SubmitAsync(await browser.GetAsync($"/sign/{policyId}"), Signing("Ann Lee"), "form[action*='Sign']");
        await using var ctx = db.Context();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE signature SET typed_name = 'x'"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM signature"));
        (await ctx.Signatures.SingleAsync()).TypedName.ShouldBe("Ann Lee");
    }

    [Theory, BothDatabases]
    internal async Task The_register_filters_exports_csv_and_a_line_manager_sees_only_their_team(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await PublishedAsync(db);
        await using var _ = app;
        var ann = app.Browse();
        await ann.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await ann.SubmitAsync(await ann.GetAsync($"/sign/{policyId}"), Signing("Ann Lee"), "form[action*='Sign']");
        time.Advance(TimeSpan.FromDays(15));

        var lead = app.Browse();
        await lead.SignInAsync("lee.lead@test.sch.uk", Seed.Password);
        var register = await lead.GetAsync($"/policies/{policyId}/register");
        register.Document.QuerySelector("#totals")!.TextContent.ShouldContain("Signed 1");
        register.Document.QuerySelector("#totals")!.TextContent.ShouldContain("Overdue 5");
        var overdue = await lead.GetAsync($"/policies/{policyId}/register?status=Overdue&school={world.A.Id}");
        overdue.Document.QuerySelectorAll("#register tbody tr").Count().ShouldBe(4);
        var csv = await lead.Client.GetStringAsync($"/policies/{policyId}/register?status=Signed&format=csv");
        csv.ShouldContain("Lee,Ann,ALEE,Alder School,,ann.lee@test.sch.uk,Permanent,Mo Manager,Signed");
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);

        var manager = app.Browse();
        await manager.SignInAsync("mo.manager@test.sch.uk", Seed.Password);
        var team = await manager.GetAsync($"/policies/{policyId}/register");
        team.Document.QuerySelectorAll("#register tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Day, Ben", "Lee, Ann"]);
        var receipt = await manager.GetAsync($"/receipts/{world.Ann.Id}");
        receipt.Text.ShouldContain("Staff Acceptable Use Policy, version 1.0");
        (await manager.GetAsync($"/receipts/{world.Bella.Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
