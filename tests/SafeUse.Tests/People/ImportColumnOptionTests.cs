using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

/// <summary>`import staff --column FIELD=HEADING` says which column holds a field the headings did not reveal.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ImportColumnOptionTests
{
    private const string Csv = "Called,Family,Mail\nNia,Okoro,nia.okoro@alder.sch.uk\nOwen,Pike,owen.pike@alder.sch.uk\n";

    [Theory, BothDatabases]
    internal async Task Unrecognised_headings_are_named_with_the_option_to_use_and_mapping_them_imports_the_file(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        var file = Path.Combine(db.DataDirectory, "mis-export.csv");
        await File.WriteAllTextAsync(file, Csv);
        string[] args = ["import", "staff", file, "--school", "alder school", "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory];

        var (exit, error) = await CapturedCli.RunPairAsync(args);
        exit.ShouldBe(2);
        error.ShouldContain("No column is mapped to \"First name\"");
        error.ShouldContain("--column FIELD=HEADING; the file's headings are \"Called\", \"Family\", \"Mail\"");

        (exit, error) = await CapturedCli.RunPairAsync([.. args, "--column", "given-name=called", "--column", "family-name=Family", "--column", "email=Nope"]);
        exit.ShouldBe(2);
        error.ShouldContain("--column email=Nope: the file has no column headed \"Nope\"; its headings are \"Called\", \"Family\", \"Mail\"");
        (exit, error) = await CapturedCli.RunPairAsync([.. args, "--column", "forename=Called"]);
        exit.ShouldBe(2);
        error.ShouldContain("\"forename\" is not a field; use one of given-name, family-name, email, staff-code");

        await using (var ctx = db.Context())
        {
            (await ctx.People.CountAsync(p => p.FamilyName == "Okoro")).ShouldBe(0);
        }

        (exit, error) = await CapturedCli.RunPairAsync([.. args, "--column", "given-name=called", "--column", "family-name=Family", "--column", "email=Mail"]);
        exit.ShouldBe(0, error);
        await using (var ctx = db.Context())
        {
            (await ctx.People.Where(p => p.FamilyName == "Okoro" || p.FamilyName == "Pike").Select(p => p.GivenName + " " + p.Email).OrderBy(x => x).ToListAsync())
                .ShouldBe(["Nia nia.okoro@alder.sch.uk", "Owen owen.pike@alder.sch.uk"]);
        }
    }
}
