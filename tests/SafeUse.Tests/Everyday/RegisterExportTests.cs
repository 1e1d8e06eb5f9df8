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

/// <summary>The register's CSV and printable copy: who, where and how to reach them, in exactly the register's scope.</summary>
public sealed class RegisterExportTests
{
    private const string Header = "Surname,Forename,Staff code,School,Job title,Email,Employment type,Line manager,Status,Due,Signed (UTC),Method";

    private static async Task<(SignOffWorld World, AppFactory App, long PolicyId)> SignedByAnnAsync(TestDatabase db)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            await ctx.People.Where(p => p.Id == world.Ann.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.JobTitle, "Teaching assistant, Year 2"));
            await ctx.People.Where(p => p.Id == world.Ben.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.EmploymentType, EmploymentType.Contractor));
            (await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(draft, true, "Ann Lee", null, null), new Actor(world.Ann.Id, world.Ann.FullName), default)).Outcome.ShouldBe(SignOutcome.Signed);
        }

        return (world, new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }), policyId);
    }

    private static async Task<string[]> CsvLinesAsync(Browser browser, string url)
    {
        var response = await browser.Client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        return (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Theory, BothDatabases]
    internal async Task The_register_csv_gives_each_persons_school_job_title_email_and_employment_type(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await SignedByAnnAsync(db);
        await using var _ = app;
        var head = app.Browse();
        await head.SignInAsync(world.Head.Email!, Seed.Password);
        var lines = await CsvLinesAsync(head, $"/policies/{policyId}/register?format=csv");
        lines[0].ShouldBe(Header);
        lines.ShouldContain("Lee,Ann,ALEE,Alder School,\"Teaching assistant, Year 2\",ann.lee@test.sch.uk,Permanent,Mo Manager,Signed,2026-12-07,2026-11-23 09:00:00,SelfService");
        lines.ShouldContain("Day,Ben,BDAY,Alder School,,ben.day@test.sch.uk,Contractor,Mo Manager,Outstanding,2026-12-07,,");
        lines.Length.ShouldBe(1 + 5);
        lines.ShouldNotContain(l => l.Contains("Birch"));
    }

    [Theory, BothDatabases]
    internal async Task A_line_managers_csv_and_printable_register_hold_only_their_team(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await SignedByAnnAsync(db);
        await using var _ = app;
        var manager = app.Browse();
        await manager.SignInAsync(world.Manager.Email!, Seed.Password);

        var lines = await CsvLinesAsync(manager, $"/policies/{policyId}/register?format=csv");
        lines.Skip(1).Select(l => l.Split(',')[0] + " " + l.Split(',')[1]).ShouldBe(["Day Ben", "Lee Ann"]);

        // A school filter cannot widen a line manager's reach.
        var widened = await CsvLinesAsync(manager, $"/policies/{policyId}/register?format=csv&school={world.B.Id}");
        widened.Skip(1).ShouldAllBe(l => l.StartsWith("Day,") || l.StartsWith("Lee,"));

        var print = await manager.GetAsync($"/policies/{policyId}/register?format=print");
        print.Status.ShouldBe(HttpStatusCode.OK);
        print.Document.QuerySelectorAll("#register tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Day, Ben", "Lee, Ann"]);
        print.Text.ShouldNotContain("Hana");
        print.Text.ShouldNotContain("Bella");
    }

    [Theory, BothDatabases]
    internal async Task The_printable_register_is_a_plain_page_with_every_row_and_the_registers_filters(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app, policyId) = await SignedByAnnAsync(db);
        await using var _ = app;
        var lead = app.Browse();
        await lead.SignInAsync(world.Lead.Email!, Seed.Password);
        var register = await lead.GetAsync($"/policies/{policyId}/register?status=Outstanding");
        var printLink = register.Document.QuerySelector("a[href*='format=print']")!.GetAttribute("href")!;
        printLink.ShouldContain("status=Outstanding");

        var print = await lead.GetAsync(printLink);
        print.Document.QuerySelector("header").ShouldBeNull();
        print.Document.QuerySelector("nav").ShouldBeNull();
        print.Document.QuerySelector("form").ShouldBeNull();
        print.Document.QuerySelector("footer").ShouldBeNull();
        print.Document.QuerySelector("#printed")!.TextContent.ShouldContain("by Lee Lead");
        print.Document.QuerySelector("#printed")!.TextContent.ShouldContain("Filtered by status Outstanding");
        var names = print.Document.QuerySelectorAll("#register tbody tr").Select(r => r.Children[0].TextContent.Trim()).ToList();
        names.ShouldBe(["Birch, Bella", "Day, Ben", "Head, Hana", "Lead, Lee", "Manager, Mo"]);
        print.Document.QuerySelectorAll("#by-school tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Alder School", "Birch School"]);
    }
}
