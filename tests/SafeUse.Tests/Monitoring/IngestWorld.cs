using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Options;
using SafeUse.Features.Monitoring;
using SafeUse.Features.People;
using SafeUse.Features.Pupils;
using SafeUse.Features.Schools;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.Monitoring;

/// <summary>
/// A school with monitoring set up: category lists and rules in the test's data folder, a member of staff whose
/// network user name is jdoyle (alias SCHOOL\jamie.d), a pupil 18kpat, and a log source reading logs/access.log*.
/// </summary>
internal sealed class IngestWorld
{
    public const string Rules = """
        timezone: Europe/London
        rules:
          - id: gambling
            clause: "5"
            categories: [gambling]
            who: [any, unattributed]
            severity: high
            notify: [dsl]
          - id: staff-social
            clause: "5.2"
            categories: [social]
            who: [staff]
            severity: low
            notify: [line-manager]
        """;

    private IngestWorld(TestDatabase db) => Db = db;

    public TestDatabase Db { get; }
    public Trust Trust { get; private set; } = null!;
    public School A { get; private set; } = null!;
    public School B { get; private set; } = null!;
    public Person Jamie { get; private set; } = null!;
    public Pupil Kai { get; private set; } = null!;
    public LogSource Source { get; private set; } = null!;
    public string Root => Path.Combine(Db.DataDirectory, "monitoring");
    public string Logs => Path.Combine(Root, "logs");
    public string Log => Path.Combine(Logs, "access.log");
    public string Lists => Path.Combine(Root, "lists");

    public static async Task<IngestWorld> CreateAsync(TestDatabase db)
    {
        await db.MigrateAsync();
        var w = new IngestWorld(db);
        Directory.CreateDirectory(w.Logs);
        foreach (var (category, domain) in new[] { ("gambling", "poker-palace.example"), ("social", "social-network.example") })
        {
            Directory.CreateDirectory(Path.Combine(w.Lists, category));
            await File.WriteAllTextAsync(Path.Combine(w.Lists, category, "domains"), domain + "\n");
        }

        await using var ctx = db.Context();
        (w.Trust, w.A, w.B) = await Seed.TrustAsync(ctx);
        w.Jamie = await Seed.PersonAsync(ctx, w.Trust, w.A, "Jamie", "Doyle");
        NetworkNameSync.Replace(w.Jamie, w.Trust.Id, [("jdoyle", true), (@"SCHOOL\jamie.d", false)]);
        var now = DateTime.UtcNow;
        w.Kai = new Pupil
        {
            TrustId = w.Trust.Id, SchoolId = w.A.Id, Upn = "U820200101001", LegalGivenName = "Kai", LegalFamilyName = "Patel", YearGroup = 9,
            NetworkUserName = "18kpat", NetworkUserNameNormalized = "18kpat", CreatedAt = now, UpdatedAt = now,
        };
        ctx.Pupils.Add(w.Kai);
        ctx.MonitoringSetups.Add(new MonitoringSetup { SchoolId = w.A.Id, RulesYaml = Rules, ListsPath = w.Lists, Version = 1, UpdatedAt = now });
        w.Source = new LogSource { SchoolId = w.A.Id, Name = "Proxy", Path = w.Log + "*", Format = "squid", CreatedAt = now };
        ctx.LogSources.Add(w.Source);
        await ctx.SaveChangesAsync();
        return w;
    }

    /// <summary>A squid native line: minute <paramref name="minute"/> after 09:00 UTC on 2 December 2026.</summary>
    public static string Line(int minute, string user, string host = "poker-palace.example", string ip = "10.0.0.5") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero).AddMinutes(minute).ToUnixTimeSeconds()}.000     10 {ip} TCP_MISS/200 100 GET http://{host}/page {user} HIER_DIRECT/192.0.2.1 text/html\n");

    public static string Lines(int from, int count, Func<int, string> user, string host = "poker-palace.example") =>
        string.Concat(Enumerable.Range(from, count).Select(i => Line(i, user(i), host)));

    public async Task AppendAsync(string path, string text) => await File.AppendAllTextAsync(path, text, new UTF8Encoding(false));

    public async Task GzipAsync(string from, string to)
    {
        await using (var input = File.OpenRead(from))
        await using (var output = File.Create(to))
        await using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            await input.CopyToAsync(gz);
        }

        File.Delete(from);
    }

    public MonitoringIngest Ingest(AppDbContext ctx, IAlertRaised? hook = null, int batchBytes = 8 << 20, TimeSpan? storm = null) =>
        new(ctx, TimeProvider.System, Options.Create(new MonitoringOptions { BatchBytes = batchBytes, StormWindow = storm ?? TimeSpan.FromMinutes(30) }),
            Options.Create(new DatabaseOptions { DataDirectory = Db.DataDirectory }), hook is null ? [] : [hook]);

    public async Task<SourceResult> RunAsync(IAlertRaised? hook = null, int batchBytes = 8 << 20, TimeSpan? storm = null)
    {
        await using var ctx = Db.Context();
        return (await Ingest(ctx, hook, batchBytes, storm).IngestSchoolAsync(A.Id, default)).Single();
    }
}
