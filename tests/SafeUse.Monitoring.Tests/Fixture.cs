using System.Text;
using System.Text.Json;

namespace SafeUse.Monitoring.Tests;

/// <summary>A temporary lists directory, rules file and logs, and a way to run the engine over them.</summary>
internal sealed class Fixture : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("safeuse-mon-").FullName;

    public Fixture()
    {
        List("gambling", domains: "bet365.com\namex.com\ncasino-test.example\n");
        List("social", domains: "facebook.com\n");
        List("whitelist", domains: "safe.bet365.com\n");
        List("badguys", urls: "foo.com/~badguy\nwww.bar.org/a/b/\nwww3.baz.net/games/poker\nhttp://qux.org:8080/cards/blackjack\n");
        Write("terms/self-harm.txt", "self harm\nsuicide\n");
    }

    public void List(string category, string? domains = null, string? urls = null, string? expressions = null)
    {
        Directory.CreateDirectory(Path.Combine(Dir, "lists", category));
        if (domains is not null) Write($"lists/{category}/domains", domains);
        if (urls is not null) Write($"lists/{category}/urls", urls);
        if (expressions is not null) Write($"lists/{category}/expressions", expressions);
    }

    public string Write(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public const string DefaultRules = """
        timezone: Europe/London
        rules:
          - id: gambling
            clause: "4.2"
            categories: [gambling]
            except-categories: [whitelist]
            who: [any]
            severity: high
          - id: urls
            categories: [badguys]
            who: [any]
          - id: self-harm
            search-terms: terms/self-harm.txt
            who: [any]
            severity: critical
        """;

    public MonitoringEngine Engine(string rules = DefaultRules, string? people = null, string? ipMap = null, int year = 2026)
    {
        var rulesPath = Write("rules.yaml", rules);
        var peoplePath = people is null ? null : Write("people.csv", people);
        var mapPath = ipMap is null ? null : Write("ipmap.csv", ipMap);
        return MonitoringEngine.Load(rulesPath, Path.Combine(Dir, "lists"), peoplePath, mapPath, year);
    }

    public (List<JsonElement> Hits, RunSummary Summary, string Raw) Run(MonitoringEngine engine, string log, LogFormat format = LogFormat.Auto,
        int threads = 1, string name = "log.txt") => RunBytes(engine, Encoding.UTF8.GetBytes(log), format, threads, name);

    public (List<JsonElement> Hits, RunSummary Summary, string Raw) RunBytes(MonitoringEngine engine, byte[] log, LogFormat format = LogFormat.Auto,
        int threads = 1, string name = "log.txt")
    {
        var path = WriteBytes(name, log);
        return RunFiles(engine, [path], format, threads);
    }

    public static (List<JsonElement> Hits, RunSummary Summary, string Raw) RunFiles(MonitoringEngine engine, string[] paths, LogFormat format = LogFormat.Auto, int threads = 1)
    {
        var output = new MemoryStream();
        var summary = engine.Run(paths, output, format, threads);
        var raw = Encoding.UTF8.GetString(output.ToArray());
        var hits = raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (hits, summary, raw);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
