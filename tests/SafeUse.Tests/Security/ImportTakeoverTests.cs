using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Cli;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Security;

/// <summary>A school administrator's staff import may change only the people of the schools they administer.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ImportTakeoverTests
{
    private const string Heading = "First Name,Last Name,Work Email,Staff Code\n";

    private sealed record World(TestDatabase Db, AppFactory App, Person TrustAdmin, Person SchoolAdmin, Person HeadB, Person StaffB, Person StaffA);

    private static async Task<World> WorldAsync(TestDatabase db)
    {
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (trust, a, b) = await Seed.TrustAsync(ctx);
        var trustAdmin = await Seed.PersonAsync(ctx, trust, null, "Alex", "Morgan", (Role.Administrator, null));
        var schoolAdmin = await Seed.PersonAsync(ctx, trust, a, "Sam", "Admin", (Role.Administrator, a));
        var headB = await Seed.PersonAsync(ctx, trust, b, "Hal", "Birch", (Role.Head, b));
        var staffB = await Seed.PersonAsync(ctx, trust, b, "Bea", "Bell");
        var staffA = await Seed.PersonAsync(ctx, trust, a, "Ann", "Ash");
        return new World(db, new AppFactory(db), trustAdmin, schoolAdmin, headB, staffB, staffA);
    }

    private static async Task<Browser.Page> UploadAsync(Browser browser, string csv)
    {
        var form = await browser.GetAsync("/people/import");
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["SchoolId"] = form.Document.QuerySelector("#SchoolId option[value]:not([value=''])")?.GetAttribute("value") ?? "" },
            files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("staff.csv", Encoding.UTF8.GetBytes(csv)) });
    }

    private static async Task<Person> ReloadAsync(TestDatabase db, long id)
    {
        await using var ctx = db.Context();
        return await ctx.People.Include(p => p.Schools).SingleAsync(p => p.Id == id);
    }

    [Theory, BothDatabases]
    public async Task A_school_administrator_cannot_change_the_trust_administrator_or_another_schools_staff(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await WorldAsync(db);
        await using var _ = w.App;
        var browser = w.App.Browse();
        await browser.SignInAsync(w.SchoolAdmin.Email!, Seed.Password);

        var csv = Heading
            + $"Alex,Morgan,attacker@evil.test,{w.TrustAdmin.StaffCode}\n"
            + $"Bea,Bell,{w.StaffB.Email},{w.StaffB.StaffCode}\n"
            + $"Ann,Ash,{w.StaffA.Email},{w.StaffA.StaffCode}\n";
        var preview = await UploadAsync(browser, csv);
        preview.Text.ShouldContain("nothing has been imported");
        var problems = preview.Document.QuerySelectorAll("#problems tbody tr").Select(r => r.TextContent).ToList();
        problems.Count.ShouldBe(2);
        problems[0].ShouldContain("only a trust administrator can change them");
        problems[0].ShouldNotContain("Alex");
        problems[1].ShouldContain("only a trust administrator can change them");

        // The page offers no way to apply the file, and a forged confirm changes nothing either.
        preview.Document.QuerySelector("form[action*='Confirm']").ShouldBeNull();
        var confirm = await browser.Client.GetAsync(preview.Url);
        confirm.EnsureSuccessStatusCode();

        (await ReloadAsync(db, w.TrustAdmin.Id)).Email.ShouldBe(w.TrustAdmin.Email);
        var bea = await ReloadAsync(db, w.StaffB.Id);
        bea.Schools.Select(s => s.SchoolId).ShouldBe([w.StaffB.Schools[0].SchoolId]);
    }

    [Theory, BothDatabases]
    public async Task A_full_list_from_one_school_makes_no_one_elsewhere_a_leaver(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await WorldAsync(db);
        await using var _ = w.App;
        await using (var ctx = db.Context())
        {
            // Hal, Head of Birch, also teaches at Alder.
            var a = await ctx.Schools.SingleAsync(s => s.Name == "Alder School");
            ctx.Add(new PersonSchool { PersonId = w.HeadB.Id, SchoolId = a.Id });
            await ctx.SaveChangesAsync();
        }

        var browser = w.App.Browse();
        await browser.SignInAsync(w.SchoolAdmin.Email!, Seed.Password);
        var preview = await UploadAsync(browser, Heading + $"Ann,Ash,{w.StaffA.Email},{w.StaffA.StaffCode}\nNew,Person,new.person@test.sch.uk,NP1\n");
        var kept = preview.Document.QuerySelector("#kept")!.TextContent;
        kept.ShouldContain("Hal Birch: they also belong to another school");
        kept.ShouldContain("Sam Admin: you are importing this file");
        var done = await browser.SubmitAsync(preview, new Dictionary<string, string> { ["MarkLeavers"] = "true" }, "form[action*='Confirm']");
        done.Text.ShouldContain("1 new");

        (await ReloadAsync(db, w.HeadB.Id)).IsLeaver.ShouldBeFalse();
        (await ReloadAsync(db, w.SchoolAdmin.Id)).IsLeaver.ShouldBeFalse();
        (await ReloadAsync(db, w.StaffA.Id)).IsLeaver.ShouldBeFalse();
    }

    [Theory, BothDatabases]
    public async Task An_email_change_is_shown_and_applied_only_when_confirmed_and_never_for_a_role_holder(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await WorldAsync(db);
        await using var _ = w.App;
        var browser = w.App.Browse();
        await browser.SignInAsync(w.TrustAdmin.Email!, Seed.Password);

        var roleHolder = await UploadAsync(browser, Heading + $"Hal,Birch,hal.new@test.sch.uk,{w.HeadB.StaffCode}\n");
        roleHolder.Text.ShouldContain("nothing has been imported");
        roleHolder.Document.QuerySelector("#problems")!.TextContent.ShouldContain("an import never changes the work email of someone with a role beyond Staff");

        var preview = await UploadAsync(browser, Heading + $"Ann,Ash,ann.ash@new.sch.uk,{w.StaffA.StaffCode}\n");
        var changes = preview.Document.QuerySelector("#email-changes")!.TextContent;
        changes.ShouldContain(w.StaffA.Email!);
        changes.ShouldContain("ann.ash@new.sch.uk");
        var unconfirmed = await browser.SubmitAsync(preview, new Dictionary<string, string>(), "form[action*='Confirm']");
        unconfirmed.Errors.ShouldContain("Confirm the work email changes: each person will sign in with the new address");
        (await ReloadAsync(db, w.StaffA.Id)).Email.ShouldBe(w.StaffA.Email);

        var confirmed = await browser.SubmitAsync(preview, new Dictionary<string, string> { ["ConfirmEmailChanges"] = "true" }, "form[action*='Confirm']");
        confirmed.Text.ShouldContain("1 updated");
        var ann = await ReloadAsync(db, w.StaffA.Id);
        ann.Email.ShouldBe("ann.ash@new.sch.uk");
        ann.EmailNormalized.ShouldBe("ann.ash@new.sch.uk");
    }

    [Theory, BothDatabases]
    public async Task A_row_whose_code_and_email_name_two_people_is_a_row_error_on_the_web_and_the_command_line(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await WorldAsync(db);
        await using var _ = w.App;
        var csv = Heading + $"Ann,Ash,{w.StaffB.Email},{w.StaffA.StaffCode}\n";
        var browser = w.App.Browse();
        await browser.SignInAsync(w.TrustAdmin.Email!, Seed.Password);
        var preview = await UploadAsync(browser, csv);
        preview.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        preview.Document.QuerySelector("#problems")!.TextContent.ShouldContain($"Staff code {w.StaffA.StaffCode} is one person in SafeUse and {w.StaffB.Email} is another");

        var file = Path.Combine(db.DataDirectory, "clash.csv");
        await File.WriteAllTextAsync(file, csv);
        var (exit, error) = await CapturedCli.RunPairAsync("import", "staff", file, "--school", "Alder School", "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory);
        exit.ShouldBe(2);
        error.ShouldContain("line 2, column \"Work Email\"");
        (await ReloadAsync(db, w.StaffA.Id)).Email.ShouldBe(w.StaffA.Email);
    }

    [Theory, BothDatabases]
    public async Task The_command_line_lists_email_changes_and_applies_them_only_with_accept_email_changes(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await WorldAsync(db);
        await w.App.DisposeAsync();
        var file = Path.Combine(db.DataDirectory, "emails.csv");
        await File.WriteAllTextAsync(file, Heading + $"Ann,Ash,ann.ash@new.sch.uk,{w.StaffA.StaffCode}\n");
        string[] args = ["import", "staff", file, "--school", "Alder School", "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory];
        (await SafeUseCli.RunAsync(args)).ShouldBe(2);
        (await ReloadAsync(db, w.StaffA.Id)).Email.ShouldBe(w.StaffA.Email);
        (await SafeUseCli.RunAsync([.. args, "--accept-email-changes"])).ShouldBe(0);
        (await ReloadAsync(db, w.StaffA.Id)).Email.ShouldBe("ann.ash@new.sch.uk");
    }
}
