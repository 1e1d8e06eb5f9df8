using System.Diagnostics;
using System.Text;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace SafeUse.Tests.Fuzz;

/// <summary>
/// Hundreds of damaged staff CSV files, generated with a fixed seed, each through `safeuse import staff --dry-run`:
/// every one is planned (exit 0) or refused with its problems (exit 2), never a crash.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class StaffCsvFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RandomSeed = 20261201;
    private const int Files = 300;
    private readonly TestDatabase db = TestDatabase.Sqlite();

    private const string Export = """
        Legal Surname,Legal Forename,Preferred Forename,Work Email,Staff Code,Employment Type,Start Date,Leave Date,Job Title,Line Manager,SafeUse Roles,Staff Group
        Okafor,Chinedu,Chin,c.okafor@oak.sch.uk,COK,Permanent,01/09/2019,,Teacher of Maths,RSM,staff,Teaching
        "Smith, Jr",Robert,,r.smith@oak.sch.uk,RSM,Fixed Term,2024-01-08,,Cover Supervisor,,"staff;line-manager",Support
        Brontë,Zoë,,z.bronte@oak.sch.uk,ZBR,Supply,1 Sep 2023,31/08/2024,"Teacher of English,
        KS3",COK,staff,Teaching
        Ng,Wei,,w.ng@oak.sch.uk,WNG,volunteer,,,Reading volunteer,,,
        """;

    public async Task InitializeAsync()
    {
        await db.MigrateAsync();
        await using var ctx = db.Context();
        await Seed.TrustAsync(ctx);
    }

    public Task DisposeAsync()
    {
        db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Damaged_staff_files_are_planned_or_refused_never_crash()
    {
        var original = Path.Combine(db.DataDirectory, "original.csv");
        await File.WriteAllTextAsync(original, Export);
        var undamaged = await CapturedCli.RunAsync("import", "staff", original, "--school", "100001", "--dry-run", "--data-dir", db.DataDirectory);
        undamaged.ExitCode.ShouldBe(0, undamaged.ToString());

        var clock = Stopwatch.StartNew();
        var tally = new Dictionary<int, int>();
        var failures = new List<string>();
        var n = 0;
        foreach (var (kind, content) in Cases(new Random(RandomSeed)))
        {
            var path = Path.Combine(db.DataDirectory, $"case{++n:000}-{kind}.csv");
            await File.WriteAllBytesAsync(path, content);
            var result = await CapturedCli.RunAsync("import", "staff", path, "--school", "100001", "--dry-run", "--data-dir", db.DataDirectory);
            tally[result.ExitCode] = tally.GetValueOrDefault(result.ExitCode) + 1;
            if (result.Crashed || result.ExitCode is not (0 or 2) || (result.ExitCode == 2 && !result.Error.Contains($"case{n:000}", StringComparison.Ordinal)))
            {
                failures.Add($"{Path.GetFileName(path)}: {result}");
            }

            File.Delete(path);
        }

        output.WriteLine($"{n} staff CSV files in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", tally.OrderBy(t => t.Key).Select(t => $"exit {t.Key}: {t.Value}"))}");
        n.ShouldBe(Files);
        failures.ShouldBeEmpty($"{failures.Count} of {n} crashed or were refused without naming the file; the first:\n{string.Join("\n\n", failures.Take(3))}");
    }

    private static IEnumerable<(string, byte[])> Cases(Random random)
    {
        var utf8 = Encoding.UTF8.GetBytes(Export.Replace("\r\n", "\n"));
        var lines = Export.Replace("\r\n", "\n").Split('\n');
        string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));
        for (var i = 0; i < Files; i++)
        {
            yield return (i % 10) switch
            {
                0 or 1 or 2 => ("bytes", Mutate.Any(random, utf8)),
                3 => ("quotes", Encoding.UTF8.GetBytes(Export.Insert(random.Next(Export.Length), Repeat("\"", random.Next(1, 4))))),
                4 => ("delimiter", Encoding.UTF8.GetBytes(Export.Replace(',', ";\t|"[random.Next(3)]))),
                5 => ("header", Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => lines[0], 1 => lines[0] + "\n\n\n", _ => "\uFEFF" + lines[0] + "\r\n" })),
                6 => ("columns", Encoding.UTF8.GetBytes(lines[0] + Repeat(",Extra", random.Next(1, 2000)) + "\n" + string.Join('\n', lines.Skip(1)))),
                7 => ("cells", Encoding.UTF8.GetBytes(Export.Replace("Teacher of Maths", new string('x', random.Next(1, 200_000))))),
                8 => ("encoding", random.Next(3) switch
                {
                    0 => Mutate.Insert(random, utf8, Mutate.RandomBytes(random, random.Next(1, 8))),
                    1 => [0xFF, 0xFE, .. Mutate.Any(random, Encoding.Unicode.GetBytes(Export))],
                    _ => Encoding.Latin1.GetBytes(Export),
                }),
                _ => ("rows", Encoding.UTF8.GetBytes(lines[0] + "\n" + Repeat(lines[random.Next(1, 3)] + "\n", random.Next(1, 300)))),
            };
        }
    }
}
