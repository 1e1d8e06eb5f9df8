using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Pupils;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

public sealed class NetworkNameTests
{
    [Theory]
    [InlineData("jsmith", "jsmith")]
    [InlineData("  JSmith ", "jsmith")]
    [InlineData(@"SCHOOL\JSmith", "jsmith")]
    [InlineData("jsmith@school.org", "jsmith@school.org")]
    [InlineData(@"SCHOOL\", null)]
    [InlineData("", null)]
    public void Names_compare_without_case_or_a_domain_prefix(string name, string? expected) =>
        NetworkNames.Normalize(name).ShouldBe(expected);

    [Fact]
    public void The_staff_csv_reads_network_user_names_and_aliases_under_a_mis_heading()
    {
        foreach (var heading in new[] { "Network Username", "User Name", "Username", "Login" })
        {
            var file = StaffCsv.Parse($"Forename,Surname,Work Email,{heading},Aliases\nJo,Smith,jo@oak.sch.uk,OAK\\jsmith,jsmith@oak.org; j.smith\n");
            file.Problems.ShouldBeEmpty(heading);
            var row = file.Rows.Single();
            row.NetworkUserName.ShouldBe(@"OAK\jsmith");
            row.NetworkAliases.ShouldBe(["jsmith@oak.org", "j.smith"]);
        }
    }

    [Fact]
    public void Duplicate_network_names_in_a_staff_file_are_named_by_line_and_column()
    {
        var file = StaffCsv.Parse("""
            Forename,Surname,Work Email,Network Username,Aliases
            Jo,Smith,jo@oak.sch.uk,jsmith,js
            Jay,Smith,jay@oak.sch.uk,OAK\JSMITH,
            Jan,Smith,jan@oak.sch.uk,jan,JS;jan
            Jim,Smith,jim@oak.sch.uk,,jim
            Jon,Smith,jon@oak.sch.uk,jon smith,
            """);
        file.Problems.Select(p => p.ToString()).ShouldBe([
            "line 3, column \"Network Username\": The network name OAK\\JSMITH is also on line 2",
            "line 4, column \"Aliases\": The network name JS is also on line 2",
            "line 4, column \"Aliases\": The network name jan is given twice on this line",
            "line 5, column \"Aliases\": Aliases are given but the network user name is empty",
            "line 6, column \"Network Username\": \"jon smith\" is not a network user name: it must not contain spaces, commas or semicolons",
        ]);
    }

    [Theory, BothDatabases]
    internal async Task The_staff_import_sets_names_refuses_clashes_by_line_and_column_and_the_directory_finds_them(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await db.MigrateAsync();
        await using var ctx = db.Context();
        var (trust, a, b) = await Seed.TrustAsync(ctx);
        var importer = new StaffImporter(ctx, db.Audit(), TimeProvider.System, db.SignOff(ctx));
        var first = StaffCsv.Parse("Forename,Surname,Staff Code,User Name,Aliases\nJo,Smith,JSM,ALDER\\jsmith,jsmith@alder.org\nAl,Jones,AJO,ajones,\n");
        first.Problems.ShouldBeEmpty();
        (await importer.ApplyAsync(a, first, false, Actor.System, null, default)).Created.ShouldBe(2);

        ctx.Pupils.Add(new Pupil { TrustId = trust.Id, SchoolId = b.Id, Upn = "A123456789012", LegalGivenName = "P", LegalFamilyName = "Q", YearGroup = 7, NetworkUserName = "pupil1", NetworkUserNameNormalized = "pupil1" });
        await ctx.SaveChangesAsync();

        var clash = StaffCsv.Parse("Forename,Surname,Staff Code,User Name,Aliases\nBo,Brown,BBR,JSMITH,\nCy,Cole,CCO,ccole,PUPIL1\n");
        var plan = await importer.PlanAsync(b, clash, default);
        plan.File.Problems.Select(p => p.ToString()).ShouldBe([
            "line 2, column \"User Name\": The network name JSMITH is already Jo Smith's in SafeUse: logs must point at one person",
            "line 3, column \"Aliases\": The network name PUPIL1 is a pupil's network user name in this trust: logs must point at one person",
        ]);
        await Should.ThrowAsync<InvalidOperationException>(() => importer.ApplyAsync(b, clash, false, Actor.System, null, default));

        // Jo's own row may change Jo's names: the alias goes, the user name loses its domain.
        var again = StaffCsv.Parse("Forename,Surname,Staff Code,User Name\nJo,Smith,JSM,jsmith\n");
        (await importer.ApplyAsync(a, again, false, Actor.System, null, default)).Updated.ShouldBe(1);

        await using var check = db.Context();
        var jo = await check.People.Include(p => p.NetworkNames).SingleAsync(p => p.StaffCode == "JSM");
        jo.NetworkNames.Select(n => (n.Name, n.IsPrimary)).ShouldBe([("jsmith", true)]);
        var directory = new PeopleDirectory(check);
        (await directory.FindByNetworkNameAsync(trust.Id, @"ALDER\JSmith", default))!.PersonId.ShouldBe(jo.Id);
        (await directory.FindByNetworkNameAsync(trust.Id, "jsmith@alder.org", default)).ShouldBeNull();
        (await directory.FindByNetworkNameAsync(trust.Id, "Pupil1", default))!.IsPupil.ShouldBeTrue();
        (await directory.FindByNetworkNameAsync(trust.Id + 1, "jsmith", default)).ShouldBeNull();
        (await directory.FindByNetworkNameAsync(trust.Id, "nobody", default)).ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task The_person_form_saves_network_names_shows_them_and_refuses_a_clash_on_its_field(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var form = await alex.GetAsync($"/people/{w.StaffA.Id}/edit");
        var saved = await alex.SubmitAsync(form, new Dictionary<string, string> { ["Person.NetworkUserName"] = @"ALDER\aash", ["Person.NetworkAliases"] = "aash@alder.org; ann.ash" });
        saved.Text.ShouldContain("Saved Ann Ash's details.");
        saved.Document.QuerySelector("#network-user-name")!.TextContent.ShouldBe(@"ALDER\aash");
        saved.Document.QuerySelector("#network-aliases")!.TextContent.ShouldBe("aash@alder.org, ann.ash");

        var other = await alex.GetAsync($"/people/{w.StaffB.Id}/edit");
        var refused = await alex.SubmitAsync(other, new Dictionary<string, string> { ["Person.NetworkUserName"] = "AASH" });
        refused.Document.QuerySelector("#Person_NetworkUserName-error")!.TextContent.ShouldContain("The network name aash is already someone else's in this trust");
        var twice = await alex.SubmitAsync(other, new Dictionary<string, string> { ["Person.NetworkUserName"] = "bbell", ["Person.NetworkAliases"] = "BBELL" });
        twice.Document.QuerySelector("#Person_NetworkAliases-error")!.TextContent.ShouldContain("BBELL is given twice");
        var aliasOnly = await alex.SubmitAsync(other, new Dictionary<string, string> { ["Person.NetworkAliases"] = "bb" });
        aliasOnly.Document.QuerySelector("#Person_NetworkAliases-error")!.TextContent.ShouldContain("Enter their network user name as well as the aliases");

        // Clearing the user name clears the aliases too.
        var cleared = await alex.SubmitAsync(await alex.GetAsync($"/people/{w.StaffA.Id}/edit"), new Dictionary<string, string> { ["Person.NetworkUserName"] = "", ["Person.NetworkAliases"] = "" });
        cleared.Document.QuerySelector("#network-user-name")!.TextContent.ShouldBe("None");
        await using var check = db.Context();
        (await check.PersonNetworkNames.CountAsync()).ShouldBe(0);
        (await check.AuditEvents.CountAsync(e => e.Action == "person.updated" && e.EntityId == w.StaffA.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldBe(2);
    }
}
