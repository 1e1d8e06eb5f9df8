using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

/// <summary>`safeuse policy import` counts what it read in words: "1 table", "2 tables", never "1 tables".</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PolicyImportWordsTests
{
    private const string One = "# Oakfield AUP\n\nOwner: Online Safety Lead\n\n## 1 Scope\n\n- All staff.\n\n| Age | Service |\n|---|---|\n| 13 | Example |\n\n## Declaration\n\nI agree to follow this policy.\n\nSigned\n";

    private const string Two = "# Oakfield AUP\n\nOwner: Online Safety Lead\nApproved by: Trust Board\n\n## 1 Scope\n\n- All staff.\n- Volunteers too.\n\n| Age | Service |\n|---|---|\n| 13 | Example |\n\n## 2 Devices\n\n| Device | Rule |\n|---|---|\n| Laptop | Lock it |\n";

    [Theory, BothDatabases]
    internal async Task One_of_each_is_counted_in_the_singular_and_two_in_the_plural(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        async Task<CapturedCli.Result> ImportAsync(string name, string text)
        {
            var path = Path.Combine(db.DataDirectory, name);
            await File.WriteAllTextAsync(path, text, Encoding.UTF8);
            return await CapturedCli.RunAsync("policy", "import", path, "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory);
        }

        var one = await ImportAsync("one.md", One);
        one.ExitCode.ShouldBe(0, one.ToString());
        one.Out.ShouldStartWith("one.md: \"Oakfield AUP\", 1 metadata line, 1 section, 1 clause, 1 table, a signature slip.");
        var two = await ImportAsync("two.md", Two);
        two.ExitCode.ShouldBe(0, two.ToString());
        two.Out.ShouldStartWith("two.md: \"Oakfield AUP\", 2 metadata lines, 2 sections, 2 clauses, 2 tables, no signature slip.");

        await using var check = db.Context();
        (await check.Policies.CountAsync()).ShouldBe(2);
    }
}
