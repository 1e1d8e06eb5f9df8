using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Monitoring;

/// <summary>`safeuse monitor ingest` for cron, on both databases; `monitor run` still works beside it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class IngestCliTests
{
    [Theory, BothDatabases]
    internal async Task Monitor_ingest_reads_each_source_once_prints_its_counts_and_exits_1_when_a_source_fails(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 4, i => $"guest{i}") + "not a log line\n");
        string[] Args(params string[] more) => ["monitor", "ingest", .. more, "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory];

        var first = await CapturedCli.RunAsync(Args("--school", "alder school"));
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Out.ShouldContain("Proxy (source ");
        first.Out.ShouldContain("5 lines read, 1 skipped, 4 new alerts, 0 hits added to open alerts");
        first.Out.ShouldContain("lines/s");
        first.Out.ShouldNotContain("guest");

        var again = await CapturedCli.RunAsync(Args());
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Out.ShouldContain("0 lines read, 0 skipped, 0 new alerts");

        (await CapturedCli.RunAsync(Args("--school", "Nowhere"))).ExitCode.ShouldBe(2);

        await using (var ctx = db.Context())
        {
            (await ctx.Alerts.CountAsync()).ShouldBe(4);
            await ctx.LogSources.ExecuteUpdateAsync(u => u.SetProperty(s => s.Path, w.Logs + "/missing.log"));
        }

        var failed = await CapturedCli.RunAsync(Args());
        failed.ExitCode.ShouldBe(1, failed.ToString());
        failed.Error.ShouldContain("No file matches");
        failed.Crashed.ShouldBeFalse();

        // The library's own subcommand is still there.
        var rules = Path.Combine(w.Root, "rules.yaml");
        await File.WriteAllTextAsync(rules, IngestWorld.Rules);
        var hits = Path.Combine(w.Root, "hits.jsonl");
        var run = await CapturedCli.RunAsync("monitor", "run", "--rules", rules, "--lists", w.Lists, "--no-cache", "--out", hits, w.Log);
        run.ExitCode.ShouldBe(0, run.ToString());
        (await File.ReadAllTextAsync(hits)).ShouldContain("\"rule\":\"gambling\"");
    }
}
