using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Cli;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

public sealed class StaffImportTests
{

    [Theory, BothDatabases]
    internal async Task Reimporting_the_same_file_changes_nothing(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await ReimportIsHarmless(db);
    }

    [Theory, BothDatabases]
    internal async Task People_missing_from_a_full_list_become_leavers_only_when_confirmed_and_are_kept(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (_, a, _) = await Seed.TrustAsync(ctx);
        var importer = new StaffImporter(ctx, db.Audit(), TimeProvider.System, db.SignOff(ctx));
        await importer.ApplyAsync(a, StaffCsv.Parse(Csv(3)), false, Actor.System, null, default);

        var smaller = StaffCsv.Parse(Csv(2));
        var plan = await importer.PlanAsync(a, smaller, default);
        plan.Missing.Select(p => p.StaffCode).ShouldBe(["T0003"]);
        (await importer.ApplyAsync(a, smaller, false, Actor.System, null, default)).MarkedLeavers.ShouldBe(0);
        (await importer.ApplyAsync(a, smaller, true, Actor.System, null, default)).MarkedLeavers.ShouldBe(1);

        await using var check = db.Context();
        var leaver = await check.People.SingleAsync(p => p.StaffCode == "T0003");
        leaver.IsLeaver.ShouldBeTrue();
        leaver.LeaveDate.ShouldNotBeNull();
    }

    [Theory, BothDatabases]
    internal async Task Line_managers_and_roles_in_the_file_are_linked(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (_, a, _) = await Seed.TrustAsync(ctx);
        var file = StaffCsv.Parse("""
            First Name,Last Name,Work Email,Staff Code,Line Manager,SafeUse Roles
            Hana,Head,hana@oak.sch.uk,HHE,,head;dsl
            Tom,Teach,tom@oak.sch.uk,TTE,HHE,
            """);
        await new StaffImporter(ctx, db.Audit(), TimeProvider.System, db.SignOff(ctx)).ApplyAsync(a, file, false, Actor.System, null, default);
        await using var check = db.Context();
        var hana = await check.People.Include(p => p.Roles).SingleAsync(p => p.StaffCode == "HHE");
        hana.Roles.Select(r => r.Role).ShouldBe([Role.Head, Role.Dsl, Role.Staff], ignoreOrder: true);
        (await check.People.SingleAsync(p => p.StaffCode == "TTE")).LineManagerId.ShouldBe(hana.Id);
    }

    [Theory, BothDatabases]
    internal async Task The_web_import_shows_every_problem_writes_nothing_and_imports_the_corrected_file(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db);
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, null, "Amy", "Admin", (Role.Administrator, null));
        }

        var browser = app.Browse();
        await browser.SignInAsync("amy.admin@test.sch.uk", Seed.Password);
        var bad = "Legal Surname,Preferred Forename,Work Email,Staff Code\nPatel,Ravi,ravi@oak.sch.uk,RPA\nJones,,jones@oak.sch.uk,MJO\n";
        var preview = await UploadAsync(browser, bad);
        preview.Url.ShouldContain("/people/import/", customMessage: string.Join(" / ", preview.Errors) + preview.Status);
        preview.Text.ShouldContain("nothing has been imported");
        var row = preview.Document.QuerySelectorAll("#problems tbody tr").Single().Children.Select(c => c.TextContent).ToList();
        row.ShouldBe(["3", "Preferred Forename", "First name is empty"]);
        await using (var ctx = db.Context())
        {
            (await ctx.People.CountAsync(p => p.StaffCode == "RPA")).ShouldBe(0);
        }

        var good = await UploadAsync(browser, bad.Replace("Jones,,", "Jones,Mia,"));
        good.Document.QuerySelector("#summary")!.TextContent.ShouldContain("New2");
        var done = await browser.SubmitAsync(good, new Dictionary<string, string>(), "form[action*='Confirm']");
        done.Text.ShouldContain("Imported 2 people into Alder School: 2 new");
        var again = await browser.SubmitAsync(good, new Dictionary<string, string>(), "form[action*='Confirm']");
        again.Text.ShouldContain("already imported");

        var found = await browser.GetAsync("/people?q=mia jo");
        found.Document.QuerySelectorAll("tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Jones, Mia"]);
        await using var check = db.Context();
        (await check.People.CountAsync(p => p.StaffCode == "MJO" || p.StaffCode == "RPA")).ShouldBe(2);
        (await check.AuditEvents.CountAsync(e => e.Action == "staff.imported")).ShouldBe(1);
    }

    [Fact]
    public async Task The_cli_import_dry_run_writes_nothing_and_an_invalid_file_exits_2()
    {
        // The command line's --data-dir is the embedded SQLite database.
        using var db = TestDatabase.Sqlite();
        await db.MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        var file = Path.Combine(db.DataDirectory, "staff.csv");
        await File.WriteAllTextAsync(file, Csv(5));
        (await SafeUseCli.RunAsync(["import", "staff", file, "--school", "100001", "--dry-run", "--data-dir", db.DataDirectory])).ShouldBe(0);
        await using (var ctx = db.Context())
        {
            (await ctx.People.CountAsync()).ShouldBe(0);
        }

        (await SafeUseCli.RunAsync(["import", "staff", file, "--school", "Alder School", "--data-dir", db.DataDirectory])).ShouldBe(0);
        (await SafeUseCli.RunAsync(["import", "staff", file, "--school", "No Such School", "--data-dir", db.DataDirectory])).ShouldBe(2);
        await File.WriteAllTextAsync(file, Csv(5) + "Broken,,x@y.z,T9999,permanent\n");
        (await SafeUseCli.RunAsync(["import", "staff", file, "--school", "100001", "--data-dir", db.DataDirectory])).ShouldBe(2);
        await using var check = db.Context();
        (await check.People.CountAsync()).ShouldBe(5);
    }

    [Fact]
    public async Task Ten_thousand_rows_import_in_one_go()
    {
        using var db = TestDatabase.Sqlite();
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (_, a, _) = await Seed.TrustAsync(ctx);
        var result = await new StaffImporter(ctx, db.Audit(), TimeProvider.System, db.SignOff(ctx)).ApplyAsync(a, StaffCsv.Parse(Csv(10_000)), false, Actor.System, null, default);
        result.Created.ShouldBe(10_000);
        await using var check = db.Context();
        (await check.People.CountAsync()).ShouldBe(10_000);
    }

    internal static string Csv(int count)
    {
        var sb = new StringBuilder("Legal Surname,Preferred Forename,Work Email,Staff Code,Employment Type\n");
        for (var i = 1; i <= count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Surname{i},Given{i},person{i}@oak.sch.uk,T{i:0000},{(i % 7 == 0 ? "temporary" : "permanent")}\n");
        }

        return sb.ToString();
    }

    private static async Task ReimportIsHarmless(TestDatabase database)
    {
        await database.MigrateAsync();
        await using var ctx = database.Context();
        var (_, a, _) = await Seed.TrustAsync(ctx);
        var importer = new StaffImporter(ctx, database.Audit(), TimeProvider.System, database.SignOff(ctx));
        var first = await importer.ApplyAsync(a, StaffCsv.Parse(Csv(50)), false, Actor.System, null, default);
        first.Created.ShouldBe(50);
        await using var ctx2 = database.Context();
        var second = await new StaffImporter(ctx2, database.Audit(), TimeProvider.System, database.SignOff(ctx2)).ApplyAsync(a, StaffCsv.Parse(Csv(50)), false, Actor.System, null, default);
        second.ShouldBe(new StaffImportResult(0, 0, 50, 0));
        await using var check = database.Context();
        (await check.People.CountAsync()).ShouldBe(50);
        (await check.People.MaxAsync(p => p.Version)).ShouldBe(0);
    }

    private static async Task<Browser.Page> UploadAsync(Browser browser, string csv)
    {
        var form = await browser.GetAsync("/people/import");
        return await browser.SubmitAsync(form, new Dictionary<string, string>(), files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("staff.csv", Encoding.UTF8.GetBytes(csv)) });
    }
}
