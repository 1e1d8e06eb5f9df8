using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Security;

/// <summary>What a role may see and do stops at its schools, and at a line manager's own team.</summary>
public sealed class ScopeLeakTests
{
    private static async Task<(SignOffWorld World, AppFactory App)> WorldAsync(TestDatabase db)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        return (world, new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }));
    }

    /// <summary>The world with a trust-wide policy published, and a browser signed in as <paramref name="who"/>.</summary>
    private static async Task<(SignOffWorld World, AppFactory App, long PolicyId, Browser Browser)> PublishedAsync(TestDatabase db, Func<SignOffWorld, Features.People.Person> who)
    {
        var (world, app) = await WorldAsync(db);
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        var browser = app.Browse();
        await browser.SignInAsync(who(world).Email!, Seed.Password);
        return (world, app, policyId, browser);
    }

    [Theory, BothDatabases]
    public async Task A_line_manager_witnesses_only_for_their_own_team(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, browser) = await PublishedAsync(db, w => w.Manager);
        await using var _ = app;
        var page = await browser.GetAsync($"/policies/{policyId}/witness");
        page.Document.QuerySelectorAll("#PersonId option").Select(o => o.TextContent.Trim()).ShouldBe(["Ben Day", "Ann Lee"], ignoreOrder: true);

        var forged = await browser.SubmitAsync(page, new Dictionary<string, string> { ["PersonId"] = world.Head.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Agreed"] = "true", ["TypedName"] = "Hana Head" });
        forged.Errors.ShouldContain("Choose who is signing");
        await using var ctx = db.Context();
        (await ctx.Signatures.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    public async Task A_head_witnesses_for_their_school_and_no_other(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId, browser) = await PublishedAsync(db, w => w.Head);
        await using var _ = app;
        var names = (await browser.GetAsync($"/policies/{policyId}/witness")).Document.QuerySelectorAll("#PersonId option").Select(o => o.TextContent.Trim()).ToList();
        names.ShouldContain("Ann Lee");
        names.ShouldContain("Mo Manager");
        names.ShouldNotContain("Bella Birch");
    }

    [Theory, BothDatabases]
    public async Task A_line_manager_gets_no_register_of_another_schools_policy_and_readers_see_no_drafts(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var (bPolicy, bDraft) = await world.PolicyAsync(scope: PolicyScope.Schools, only: world.B);
        await world.PublishAsync(bDraft);
        var (policyId, v1) = await world.PolicyAsync();
        await world.PublishAsync(v1);
        var v2 = await world.DraftAsync(policyId, SignOffWorld.V2 + "\n## 3 Secret plans\n\n- Not yet agreed.\n", "2.0");

        var browser = app.Browse();
        await browser.SignInAsync(world.Manager.Email!, Seed.Password);
        var other = await browser.GetAsync($"/policies/{bPolicy}/register");
        other.Status.ShouldBe(HttpStatusCode.NotFound);
        other.Text.ShouldNotContain("Staff Acceptable Use Policy");

        (await browser.GetAsync($"/policies/{policyId}/register")).Status.ShouldBe(HttpStatusCode.OK);
        var draftCompare = await browser.GetAsync($"/policies/{policyId}/compare?from={v1}&to={v2}");
        draftCompare.Status.ShouldBe(HttpStatusCode.NotFound);
        draftCompare.Text.ShouldNotContain("Secret plans");

        var lead = app.Browse();
        await lead.SignInAsync(world.Lead.Email!, Seed.Password);
        (await lead.GetAsync($"/policies/{policyId}/compare?from={v1}&to={v2}")).Text.ShouldContain("Secret plans");
    }

    [Theory, BothDatabases]
    public async Task The_register_export_is_never_cached(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (_, app, policyId, browser) = await PublishedAsync(db, w => w.Head);
        await using var _ = app;
        var csv = await browser.Client.GetAsync($"/policies/{policyId}/register?format=csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await browser.Client.GetAsync("/")).Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Theory, BothDatabases]
    public async Task The_owner_field_does_not_tell_whether_someone_works_at_another_school(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync(world.Head.Email!, Seed.Password);
        var form = await browser.GetAsync("/policies/new");

        async Task<IReadOnlyList<string>> OwnerErrorsAsync(string email) =>
            (await browser.SubmitAsync(form, new Dictionary<string, string> { ["Policy.Title"] = "Test", ["Policy.OwnerEmail"] = email, ["Text"] = "## 1 Scope\n\n- All staff.\n" }, "form[action='/policies/new']")).Errors;

        var elsewhere = await OwnerErrorsAsync(world.Bella.Email!);
        var nobody = await OwnerErrorsAsync("nobody.at.all@test.sch.uk");
        elsewhere.ShouldContain("No current member of staff in your schools has that email address");
        nobody.ShouldContain("No current member of staff in your schools has that email address");
        (await OwnerErrorsAsync(world.Ann.Email!)).ShouldNotContain("No current member of staff in your schools has that email address");
    }

    [Fact]
    public void Script_links_in_policy_text_are_shown_as_text()
    {
        var html = PolicyText.Render("- See [the rules](javascript:alert(1)) and [more](&#106;aVaScRiPt:alert(2)) and <javascript:alert(3)> and ![x](data:text/html,hi).\n- Also [the guide](https://example.org/guide) and [write to us](mailto:dpo@example.org).\n").ToString()!;
        html.ShouldNotContain("href=\"javascript", Case.Insensitive);
        html.ShouldNotContain("src=\"data:");
        html.Split("<a ").Length.ShouldBe(3);
        html.ShouldContain("javascript:alert(3)");
        html.ShouldContain("the rules");
        html.ShouldContain("href=\"https://example.org/guide\"");
        html.ShouldContain("href=\"mailto:dpo@example.org\"");
    }

    [Fact]
    public void Linked_policies_accept_only_web_and_mail_addresses()
    {
        var state = new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary();
        new PolicyForm { Title = "T", LinkedPolicies = "Safeguarding | javascript:alert(1)\nData | https://example.org/data" }.Validate(state, "Policy", [], true);
        state["Policy.LinkedPolicies"]!.Errors.Single().ErrorMessage.ShouldContain("Line 1");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_database_and_its_folder_are_readable_by_their_owner_only()
    {
        var dir = Path.Combine(Path.GetTempPath(), "safeuse-tests", Guid.NewGuid().ToString("n"), "data");
        try
        {
            (await SafeUse.Platform.Cli.SafeUseCli.RunAsync(["db", "migrate", "--data-dir", dir])).ShouldBe(0);
            File.GetUnixFileMode(dir).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var file in Directory.GetFiles(dir, "safeuse.db*"))
            {
                File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(dir)!, true);
        }
    }
}
