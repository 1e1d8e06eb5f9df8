using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>Governors read sign-off as totals per school unless the trust's administrator lets them see names.</summary>
public sealed class GovernorRegisterTests
{
    private sealed record Setup(SignOffWorld World, AppFactory App, long PolicyId, Person Governor, Person SchoolAdmin);

    private static async Task<Setup> SetUpAsync(TestDatabase db)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        Person governor, schoolAdmin;
        await using (var ctx = db.Context())
        {
            (await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(draft, true, "Ann Lee", null, null), new Actor(world.Ann.Id, world.Ann.FullName), default)).Outcome.ShouldBe(SignOutcome.Signed);
            await ctx.SignOffRequests.Where(r => r.PersonId == world.Ben.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DueOn, new DateOnly(2026, 11, 1)));
            governor = await Seed.PersonAsync(ctx, world.Trust, world.A, "Gail", "Governor", (Role.Governor, world.A));
            schoolAdmin = await Seed.PersonAsync(ctx, world.Trust, world.A, "Sid", "Office", (Role.Administrator, world.A));
        }

        return new(world, new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }), policyId, governor, schoolAdmin);
    }

    private static async Task<Browser> AsAsync(AppFactory app, Person who)
    {
        var browser = app.Browse();
        await browser.SignInAsync(who.Email!, Seed.Password);
        return browser;
    }

    private static readonly string[] Names = ["Ann", "Lee, Ann", "Day, Ben", "Hana", "Mo Manager", "Bella", "ann.lee@test.sch.uk"];

    [Theory, BothDatabases]
    internal async Task A_governor_sees_totals_per_school_and_no_names_on_the_register_its_print_its_csv_or_a_receipt(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var s = await SetUpAsync(db);
        await using var _ = s.App;
        var governor = await AsAsync(s.App, s.Governor);

        var register = await governor.GetAsync($"/policies/{s.PolicyId}/register");
        register.Status.ShouldBe(HttpStatusCode.OK);
        register.Document.QuerySelector("#totals-only").ShouldNotBeNull();
        register.Document.QuerySelector("#register").ShouldBeNull();
        var alder = register.Document.QuerySelectorAll("#by-school tbody tr").Single();
        alder.Children.Select(c => c.TextContent.Trim()).ShouldBe(["Alder School", "1", "3", "1", "0"]);
        var main = register.Document.QuerySelector("main")!.TextContent;
        foreach (var name in Names)
        {
            main.ShouldNotContain(name);
        }

        // A name search cannot single anyone out: the totals stay the school's.
        var probed = await governor.GetAsync($"/policies/{s.PolicyId}/register?q=Ann&status=Signed");
        probed.Document.QuerySelector("#by-school tbody tr")!.Children[1].TextContent.Trim().ShouldBe("1");
        probed.Document.QuerySelector("#totals")!.TextContent.ShouldContain("Outstanding 3");

        var print = await governor.GetAsync($"/policies/{s.PolicyId}/register?format=print");
        print.Document.QuerySelector("#register").ShouldBeNull();
        foreach (var name in Names)
        {
            print.Document.QuerySelector("main")!.TextContent.ShouldNotContain(name);
        }

        var csv = (await governor.Client.GetStringAsync($"/policies/{s.PolicyId}/register?format=csv")).TrimStart('\uFEFF');
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ShouldBe(["School,Signed,Outstanding,Overdue,Query", "Alder School,1,3,1,0", "All,1,3,1,0"]);

        (await governor.GetAsync($"/receipts/{s.World.Ann.Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, BothDatabases]
    internal async Task The_trust_administrator_lets_governors_see_names_and_the_change_is_audited(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var s = await SetUpAsync(db);
        await using var _ = s.App;

        // An administrator of one school neither sees nor may post the trust's setting.
        var schoolAdmin = await AsAsync(s.App, s.SchoolAdmin);
        var theirs = await schoolAdmin.GetAsync("/schools");
        theirs.Document.QuerySelector("#GovernorsSeeNames").ShouldBeNull();
        var lead = await AsAsync(s.App, s.World.Lead);
        var settings = await lead.GetAsync("/schools");
        settings.Document.QuerySelector("#GovernorsSeeNames")!.HasAttribute("checked").ShouldBeFalse();
        var token = theirs.Document.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
        var forged = await schoolAdmin.Client.PostAsync("/schools?handler=Settings", new FormUrlEncodedContent(new Dictionary<string, string> { ["GovernorsSeeNames"] = "true", ["__RequestVerificationToken"] = token }));
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using (var ctx = db.Context())
        {
            (await ctx.Trusts.SingleAsync()).GovernorsSeeNames.ShouldBeFalse();
        }

        var saved = await lead.SubmitAsync(settings, new Dictionary<string, string> { ["GovernorsSeeNames"] = "true" }, "form[action*='Settings']");
        saved.Text.ShouldContain("Governors now see who has signed, by name.");
        saved.Document.QuerySelector("#GovernorsSeeNames")!.HasAttribute("checked").ShouldBeTrue();
        await using (var ctx = db.Context())
        {
            (await ctx.Trusts.SingleAsync()).GovernorsSeeNames.ShouldBeTrue();
            var e = await ctx.AuditEvents.SingleAsync(a => a.Action == "trust.settings-changed");
            e.Summary.ShouldBe("Governors now see names in sign-off registers");
            e.ActorPersonId.ShouldBe(s.World.Lead.Id);
        }

        var governor = await AsAsync(s.App, s.Governor);
        var register = await governor.GetAsync($"/policies/{s.PolicyId}/register");
        register.Document.QuerySelector("#totals-only").ShouldBeNull();
        register.Document.QuerySelectorAll("#register tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldContain("Lee, Ann");
        register.Text.ShouldNotContain("Birch, Bella");
        (await governor.Client.GetStringAsync($"/policies/{s.PolicyId}/register?format=csv")).ShouldContain("Lee,Ann,ALEE,Alder School");
        (await governor.GetAsync($"/receipts/{s.World.Ann.Id}")).Status.ShouldBe(HttpStatusCode.OK);

        // Turned off again (an unticked box sends nothing; "false" is what binding makes of that), governors are back to totals.
        await lead.SubmitAsync(await lead.GetAsync("/schools"), new Dictionary<string, string> { ["GovernorsSeeNames"] = "false" }, "form[action*='Settings']");
        (await governor.GetAsync($"/policies/{s.PolicyId}/register")).Document.QuerySelector("#register").ShouldBeNull();
        await using var check = db.Context();
        (await check.AuditEvents.CountAsync(a => a.Action == "trust.settings-changed")).ShouldBe(2);
    }
}
