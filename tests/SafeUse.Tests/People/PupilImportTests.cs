using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Pupils;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

public sealed class PupilImportTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private const string Headings = "UPN,Legal Surname,Legal Forename,Preferred Surname,Preferred Forename,Year Group,Date of Birth,Network Username,"
        + "Contact 1 Name,Contact 1 Email,Contact 1 Relationship,Contact 1 Parental Responsibility,Contact 2 Name,Contact 2 Email,Contact 2 Relationship,Contact 2 Parental Responsibility";

    // Check letters worked out by hand from the DfE rule (weights 2 to 13, remainder of 23, letters without I, O, S).
    [Theory]
    [InlineData("U820200101001")]
    [InlineData("H820200101002")]
    [InlineData("Z373212300045")]
    [InlineData("A000000000000")]
    [InlineData("F999999999999")]
    [InlineData("E82020010100A")]
    public void A_upn_with_the_right_check_letter_is_accepted(string upn) => Upn.Problem(upn).ShouldBeNull();

    [Theory]
    [InlineData("A820200101001", "its check letter should be U")]
    [InlineData("U820200101010", "its check letter should be")]
    [InlineData("U82020010100", "it must be 13 characters")]
    [InlineData("U8202001010011", "it must be 13 characters")]
    [InlineData("U8202X0101001", "after its first letter it must have 12 digits")]
    [InlineData("E82020010100I", "after its first letter it must have 12 digits")]
    public void A_upn_with_a_wrong_check_letter_or_shape_is_refused(string upn, string reason) => Upn.Problem(upn)!.ShouldContain(reason);

    [Theory]
    [InlineData("Reception", 0)]
    [InlineData("R", 0)]
    [InlineData("Nursery", -1)]
    [InlineData("N", -1)]
    [InlineData("Year 1", 1)]
    [InlineData("1", 1)]
    [InlineData("Y13", 13)]
    [InlineData("13", 13)]
    public void Year_groups_read_as_mis_exports_write_them(string text, int year)
    {
        YearGroups.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(year);
    }

    [Theory]
    [InlineData("14")]
    [InlineData("0")]
    [InlineData("Year Twelve")]
    public void Other_year_groups_are_refused(string text) => YearGroups.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void A_good_file_reads_names_year_dates_user_names_and_contacts()
    {
        var file = PupilCsv.Parse(Headings + "\nU820200101001,Smith,Jonathan,,Jon,Year 3,07/03/2018,SCHOOL\\18jsmith,Ann Smith,ann@example.com,Mother,Yes,Bob Smith,,Father,N\n", Today);
        file.Problems.ShouldBeEmpty();
        var row = file.Rows.Single();
        (row.Upn, row.LegalGivenName, row.LegalFamilyName, row.PreferredGivenName, row.YearGroup, row.DateOfBirth, row.NetworkUserName)
            .ShouldBe(("U820200101001", "Jonathan", "Smith", "Jon", 3, new DateOnly(2018, 3, 7), @"SCHOOL\18jsmith"));
        row.Contacts.ShouldBe([new ContactRow(1, "Ann Smith", "ann@example.com", "Mother", true), new ContactRow(2, "Bob Smith", null, "Father", false)]);
    }

    [Fact]
    public void Every_problem_is_named_by_line_and_column()
    {
        var file = PupilCsv.Parse(Headings + "\n"
            + "A820200101001,Smith,Jo,,,3,07/03/2018,jsmith,,,,,,,,\n"             // 2: check letter
            + "H820200101002,,Al,,,Year 14,31/02/2018,al jones,,,,,,,,\n"           // 3: surname, year, date, user name
            + "X820200101003,Brown,,,,R,01/01/2030,jsmith,Ann,not-an-email,Mother,maybe,,bob@example.com,,\n" // 4
            + "H820200101002,Lee,Kim,,,N,,,,,,,,,,\n",                                // 5: repeated UPN
            Today);
        file.Rows.ShouldBeEmpty();
        file.Problems.Select(p => p.ToString()).ShouldBe([
            "line 2, column \"UPN\": \"A820200101001\" is not a UPN: its check letter should be U, so a character is probably mistyped",
            "line 3, column \"Legal Surname\": Legal surname is empty",
            "line 3, column \"Year Group\": \"Year 14\" is not a year group: use Nursery, Reception, or Year 1 to Year 13 (N, R or 1 to 13 also work)",
            "line 3, column \"Date of Birth\": \"31/02/2018\" is not a date: use day/month/year, like 07/03/2015",
            "line 3, column \"Network Username\": \"al jones\" is not a network user name: it must not contain spaces, commas or semicolons",
            "line 4, column \"Legal Forename\": Legal forename is empty",
            "line 4, column \"Date of Birth\": The date of birth is in the future",
            "line 4, column \"Network Username\": The network user name jsmith is also on line 2",
            "line 4, column \"Contact 1 Email\": \"not-an-email\" is not an email address",
            "line 4, column \"Contact 1 Parental Responsibility\": \"maybe\" is not yes or no",
            "line 4, column \"Contact 2 Name\": Contact 2 has details but no name",
            "line 5, column \"UPN\": UPN H820200101002 is also on line 3",
        ]);
    }

    [Fact]
    public void A_file_without_the_required_columns_or_pupils_says_so()
    {
        PupilCsv.Parse("Surname,Forename\nSmith,Jo\n", Today).Problems.Select(p => p.Message).ShouldBe([
            "No column is headed \"UPN\": the file needs one",
            "No column is headed \"Year Group\": the file needs one",
        ]);
        PupilCsv.Parse("UPN,Surname,Forename,Year\n", Today).Problems.Single().Message.ShouldBe("The file has a heading row but no pupils");
    }

    [Theory, BothDatabases]
    internal async Task One_bad_row_writes_nothing_then_a_reimport_updates_and_full_lists_make_leavers_who_are_kept(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (trust, a, b) = await Seed.TrustAsync(ctx);
        var importer = new PupilImporter(ctx, db.Audit(), TimeProvider.System);

        var bad = PupilCsv.Parse("UPN,Legal Surname,Legal Forename,Year Group\nU820200101001,Smith,Jo,3\nH820200101002,Jones,Al,Year 99\n", Today);
        (await importer.PlanAsync(a, bad, default)).IsValid.ShouldBeFalse();
        await Should.ThrowAsync<InvalidOperationException>(() => importer.ApplyAsync(a, bad, true, Actor.System, null, default));
        (await ctx.Pupils.CountAsync()).ShouldBe(0);

        var first = PupilCsv.Parse(Headings + "\n"
            + "U820200101001,Smith,Jo,,,3,07/03/2018,jsmith18,Ann Smith,ann@example.com,Mother,Yes,,,,\n"
            + "H820200101002,Jones,Al,,,4,,,,,,,,,,\n"
            + "X820200101003,Brown,Cy,,,R,,,,,,,,,,\n", Today);
        (await importer.ApplyAsync(a, first, true, Actor.System, null, default)).ShouldBe(new PupilImportResult(3, 0, 0, 0));
        (await importer.ApplyAsync(a, first, true, Actor.System, null, default)).ShouldBe(new PupilImportResult(0, 0, 3, 0));

        // Jo moves up a year and gains a second contact; Cy is missing: kept unless the file is the full list.
        var second = PupilCsv.Parse(Headings + "\n"
            + "U820200101001,Smith,Jo,,,4,07/03/2018,jsmith18,Ann Smith,ann@example.com,Mother,Yes,Bob Smith,bob@example.com,Father,Yes\n"
            + "H820200101002,Jones,Al,,,4,,,,,,,,,,\n", Today);
        var plan = await importer.PlanAsync(a, second, default);
        plan.Missing.Select(p => p.Upn).ShouldBe(["X820200101003"]);
        (await importer.ApplyAsync(a, second, false, Actor.System, null, default)).ShouldBe(new PupilImportResult(0, 1, 1, 0));
        (await importer.ApplyAsync(a, second, true, Actor.System, null, default)).ShouldBe(new PupilImportResult(0, 0, 2, 1));

        await using var check = db.Context();
        var jo = await check.Pupils.Include(p => p.Contacts).SingleAsync(p => p.Upn == "U820200101001");
        jo.YearGroup.ShouldBe(4);
        jo.Contacts.OrderBy(c => c.Position).Select(c => c.Name).ShouldBe(["Ann Smith", "Bob Smith"]);
        var cy = await check.Pupils.SingleAsync(p => p.Upn == "X820200101003");
        cy.IsLeaver.ShouldBeTrue();
        cy.LeftAt.ShouldNotBeNull();
        (await check.Pupils.CountAsync()).ShouldBe(3);

        // Pupil names never reach the audit trail: counts only.
        var audits = await check.AuditEvents.Where(e => e.Action == "pupils.imported").ToListAsync();
        audits.Count.ShouldBe(4);
        foreach (var e in audits)
        {
            var text = e.Summary + e.After;
            text.ShouldNotContain("Smith");
            text.ShouldNotContain("U820200101001");
        }

        // Cy comes back: no longer a leaver.
        (await importer.ApplyAsync(a, first, false, Actor.System, null, default)).Updated.ShouldBe(2);
        await using var again = db.Context();
        (await again.Pupils.SingleAsync(p => p.Upn == "X820200101003")).IsLeaver.ShouldBeFalse();
    }

    [Theory, BothDatabases]
    internal async Task A_pupil_user_name_that_is_a_member_of_staffs_or_another_pupils_is_refused_by_line_and_column(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (trust, a, b) = await Seed.TrustAsync(ctx);
        var teacher = await Seed.PersonAsync(ctx, trust, a, "Tia", "Teach");
        ctx.PersonNetworkNames.Add(new PersonNetworkName { PersonId = teacher.Id, TrustId = trust.Id, Name = "tteach", NameNormalized = "tteach", IsPrimary = true });
        await ctx.SaveChangesAsync();
        var importer = new PupilImporter(ctx, db.Audit(), TimeProvider.System);
        await importer.ApplyAsync(b, PupilCsv.Parse("UPN,Legal Surname,Legal Forename,Year Group,User Name\nU820200101001,Smith,Jo,8,jsmith\n", Today), false, Actor.System, null, default);

        var file = PupilCsv.Parse("UPN,Legal Surname,Legal Forename,Year Group,User Name\nH820200101002,Jones,Al,3,ALDER\\TTeach\nX820200101003,Brown,Cy,3,JSmith\n", Today);
        var plan = await importer.PlanAsync(a, file, default);
        plan.File.Problems.Select(p => p.ToString()).ShouldBe([
            "line 2, column \"User Name\": The network user name ALDER\\TTeach is a member of staff's in this trust: logs must point at one person",
            "line 3, column \"User Name\": The network user name JSmith is another pupil's in this trust: logs must point at one person",
        ]);
        await Should.ThrowAsync<InvalidOperationException>(() => importer.ApplyAsync(a, file, false, Actor.System, null, default));
        (await ctx.Pupils.CountAsync(p => p.SchoolId == a.Id)).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_school_administrator_imports_on_the_web_and_only_the_schools_readers_see_its_pupils(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        Person adminB;
        await using (var ctx = db.Context())
        {
            adminB = await Seed.PersonAsync(ctx, w.Trust, w.B, "Bo", "Badmin", (Role.Administrator, w.B));
        }

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var bad = Headings + "\nU820200101001,Smith,Jo,,,3,07/03/2018,,,,,,,,,\nH820200101002,Jones,Al,,,3,,,Ann Jones,nope,,,,,,\n";
        var preview = await UploadAsync(sam, w.A.Id, bad);
        preview.Url.ShouldContain("/pupils/import/", customMessage: string.Join(" / ", preview.Errors));
        preview.Text.ShouldContain("nothing has been imported");
        preview.Document.QuerySelectorAll("#problems tbody tr").Single().Children.Select(c => c.TextContent).ShouldBe(["3", "Contact 1 Email", "\"nope\" is not an email address"]);
        var badId = new Uri(preview.Url).AbsolutePath;

        var good = await UploadAsync(sam, w.A.Id, bad.Replace(",nope,", ",ann@example.com,"));
        good.Document.QuerySelector("#summary")!.TextContent.ShouldContain("New2");
        var done = await sam.SubmitAsync(good, new Dictionary<string, string>(), "form[action*='Confirm']");
        done.Text.ShouldContain("Imported 2 pupils into Alder School: 2 new, 0 updated, 0 unchanged, 0 marked as leavers.");
        done.Document.QuerySelectorAll("#pupils tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Jones, Al", "Smith, Jo"], ignoreOrder: true);
        (await sam.SubmitAsync(good, new Dictionary<string, string>(), "form[action*='Confirm']")).Text.ShouldContain("already imported");

        long alId;
        await using (var ctx = db.Context())
        {
            alId = await ctx.Pupils.Where(p => p.Upn == "H820200101002").Select(p => p.Id).SingleAsync();
        }

        var detail = await sam.GetAsync($"/pupils/{alId}");
        detail.Document.QuerySelector("#contacts tbody tr")!.Children.Select(c => c.TextContent).ShouldBe(["Ann Jones", "", "ann@example.com", "No"]);
        (await sam.GetAsync("/pupils?q=H820200101002")).Document.QuerySelectorAll("#pupils tbody tr").Count.ShouldBe(1);
        (await sam.GetAsync("/pupils?year=4")).Text.ShouldContain("0 pupils");

        // The Head of school A reads them; school B's Head does not learn they exist; B's administrator can neither see
        // A's upload nor import into A.
        var hana = await w.SignInAsync(w.HeadA);
        (await hana.GetAsync($"/pupils/{alId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await hana.GetAsync("/pupils/import")).Status.ShouldBe(HttpStatusCode.Forbidden);
        var hal = await w.SignInAsync(w.HeadB);
        (await hal.GetAsync($"/pupils/{alId}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await hal.GetAsync("/pupils")).Text.ShouldContain("0 pupils");
        var bo = await w.SignInAsync(adminB);
        (await bo.GetAsync(badId)).Status.ShouldBe(HttpStatusCode.NotFound);
        var refused = await UploadAsync(bo, w.A.Id, bad);
        refused.Errors.ShouldContain("Select a school");

        // Plain staff and the IT lead (who may read staff records) may not read pupils.
        var ann = await w.SignInAsync(w.StaffA);
        (await ann.GetAsync("/pupils")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await ann.GetAsync($"/pupils/{alId}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        var ivy = await w.SignInAsync(w.ItLead);
        (await ivy.GetAsync("/pupils")).Status.ShouldBe(HttpStatusCode.Forbidden);

        await using var check = db.Context();
        (await check.Pupils.CountAsync()).ShouldBe(2);
        (await check.AuditEvents.CountAsync(e => e.Action == "pupils.imported")).ShouldBe(1);
    }

    [Fact]
    public async Task The_cli_checks_without_apply_exits_2_on_a_bad_file_and_imports_with_apply()
    {
        // The command line's --data-dir is the embedded SQLite database.
        using var db = TestDatabase.Sqlite();
        await db.MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        var file = Path.Combine(db.DataDirectory, "pupils.csv");
        var good = "UPN,Legal Surname,Legal Forename,Year Group\nU820200101001,Smith,Jo,3\nH820200101002,Jones,Al,R\n";
        await File.WriteAllTextAsync(file, good);
        (await SafeUse.Platform.Cli.SafeUseCli.RunAsync(["pupils", "import", file, "--school", "100001", "--data-dir", db.DataDirectory])).ShouldBe(0);
        await using (var ctx = db.Context())
        {
            (await ctx.Pupils.CountAsync()).ShouldBe(0);
        }

        await File.WriteAllTextAsync(file, good + "X820200101004,Brown,Cy,3\n");
        (await SafeUse.Platform.Cli.SafeUseCli.RunAsync(["pupils", "import", file, "--school", "Alder School", "--apply", "--data-dir", db.DataDirectory])).ShouldBe(2);
        (await SafeUse.Platform.Cli.SafeUseCli.RunAsync(["pupils", "import", file, "--school", "No Such School", "--apply", "--data-dir", db.DataDirectory])).ShouldBe(2);
        await File.WriteAllTextAsync(file, good);
        (await SafeUse.Platform.Cli.SafeUseCli.RunAsync(["pupils", "import", file, "--school", "Alder School", "--apply", "--data-dir", db.DataDirectory])).ShouldBe(0);
        await using var check = db.Context();
        (await check.Pupils.CountAsync()).ShouldBe(2);
    }

    private static async Task<Browser.Page> UploadAsync(Browser browser, long schoolId, string csv)
    {
        var form = await browser.GetAsync("/pupils/import");
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["SchoolId"] = schoolId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("pupils.csv", Encoding.UTF8.GetBytes(csv)) });
    }
}
