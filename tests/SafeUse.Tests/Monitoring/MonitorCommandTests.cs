using System.Text.Json;
using SafeUse.Platform.Cli;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Monitoring;

/// <summary>`safeuse monitor run` end to end through the real command line: files in, hits and summary out, exit codes.</summary>
public sealed class MonitorCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("safeuse-monitor-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private void Arrange()
    {
        Write("lists/gambling/domains", "bet-example.test\ncasino-example.test\n");
        Write("lists/whitelist/domains", "safe.bet-example.test\n");
        Write("rules.yaml", """
            timezone: Europe/London
            rules:
              - id: never-gambling
                clause: "4.2"
                categories: [gambling]
                except-categories: [whitelist]
                who: [any]
                severity: high
                notify: [dsl]
            """);
        Write("people.csv", "user,role,name,school\nstaff01,staff,Ann Lee,Alder\n");
        Write("access.log", string.Join('\n',
            "1795344185.756     81 10.0.0.5 TCP_MISS/200 603 GET http://www.bet-example.test/odds STAFF01 HIER_DIRECT/10.0.0.9 text/html",
            "1795344186.100     12 10.0.0.5 TCP_MISS/200 100 GET http://safe.bet-example.test/ staff01 HIER_DIRECT/10.0.0.9 text/html",
            "this line is not a squid line",
            "1795344187.000      5 10.0.0.6 NONE_NONE/200 0 CONNECT casino-example.test:443 - HIER_NONE/- -") + "\n");
    }

    [Fact]
    public async Task A_run_writes_one_hit_per_matching_line_and_a_summary()
    {
        Arrange();
        var hits = Path.Combine(dir, "hits.jsonl");
        var summary = Path.Combine(dir, "summary.json");
        var code = await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "lists"),
            "--people", Path.Combine(dir, "people.csv"), "--format", "squid", "--year", "2026", "--out", hits, "--summary", summary, "--no-cache", Path.Combine(dir, "access.log")]);
        code.ShouldBe(0);

        var lines = File.ReadAllLines(hits).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines.Count.ShouldBe(2);
        lines[0].GetProperty("user").GetString()!.ToLowerInvariant().ShouldBe("staff01");
        lines[0].GetProperty("role").GetString().ShouldBe("staff");
        lines[0].GetProperty("rule").GetString().ShouldBe("never-gambling");
        lines[0].GetProperty("clause").GetString().ShouldBe("4.2");
        lines[0].GetProperty("source").GetString()!.ShouldEndWith("access.log:1");
        lines[1].GetProperty("host").GetString().ShouldBe("casino-example.test");
        lines[1].GetProperty("user").ValueKind.ShouldBe(JsonValueKind.Null);

        using var s = JsonDocument.Parse(File.ReadAllText(summary));
        s.RootElement.GetProperty("linesRead").GetInt32().ShouldBe(4);
        s.RootElement.GetProperty("linesSkipped").GetInt32().ShouldBe(1);
        s.RootElement.GetProperty("hits").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Bad_rules_exit_2_and_a_missing_log_is_not_a_silent_success()
    {
        Arrange();
        Write("bad.yaml", "rules:\n  - id: x\n    severity: apocalyptic\n");
        (await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "bad.yaml"), "--lists", Path.Combine(dir, "lists"), "--out", Path.Combine(dir, "o.jsonl"), "--no-cache", Path.Combine(dir, "access.log")])).ShouldBe(2);
        (await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "no-such-dir"), "--out", Path.Combine(dir, "o.jsonl"), "--no-cache", Path.Combine(dir, "access.log")])).ShouldBe(2);
        (await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "lists"), "--threads", "0", Path.Combine(dir, "access.log")])).ShouldBe(2);
        (await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "lists"), "--out", Path.Combine(dir, "o.jsonl"), Path.Combine(dir, "missing.log")])).ShouldNotBe(0);
    }

    [Fact]
    public async Task The_compiled_lists_are_cached_and_rebuilt_when_a_list_changes()
    {
        Arrange();
        var cache = Path.Combine(dir, "cache");
        async Task<(string Cache, int Hits)> Run()
        {
            var summary = Path.Combine(dir, "summary.json");
            var code = await SafeUseCli.RunAsync(["monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "lists"),
                "--format", "squid", "--out", Path.Combine(dir, "hits.jsonl"), "--summary", summary, "--cache", cache, Path.Combine(dir, "access.log")]);
            code.ShouldBe(0);
            var json = JsonDocument.Parse(File.ReadAllText(summary)).RootElement;
            return (json.GetProperty("listCache").GetString()!, json.GetProperty("hits").GetInt32());
        }

        (await Run()).ShouldBe(("written", 2));
        (await Run()).ShouldBe(("read", 2));
        File.AppendAllText(Path.Combine(dir, "lists", "whitelist", "domains"), "casino-example.test\n"); // the CONNECT line is now allowed
        (await Run()).ShouldBe(("written", 1));
        (await Run()).ShouldBe(("read", 1));
    }

    [Theory]
    [InlineData(new[] { "monitor", "run", "--rules", "r.yaml", "x.log" }, "monitor")]
    [InlineData(new[] { "--data-dir", "d", "monitor", "run" }, "monitor")]
    [InlineData(new[] { "policy", "import", "monitor" }, "policy")] // a file called "monitor" is not the command
    [InlineData(new[] { "--urls", "http://localhost:5000" }, null)] // serve, the default
    public void The_invoked_command_is_the_first_command_name(string[] args, string? expected)
    {
        // Program.cs turns dynamic code off only for `monitor`; the web application's libraries need it.
        SafeUseCli.InvokedCommand(args).ShouldBe(expected);
    }
}
