using System.Diagnostics;
using System.Runtime.InteropServices;
using System.IO.Compression;
using System.Text.Json;
using SafeUse.Monitoring;
using SafeUse.Platform.Cli;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>
/// The program as it is deployed: `dotnet publish src/SafeUse -r linux-x64` (the README's command) publishes the web
/// application's .NET program as `safeuse-app`, `safeuse-monitor` (the monitor compiled ahead of time) and the
/// `safeuse` launcher, which hands `safeuse monitor ...` to the native monitor and everything else to `safeuse-app`.
/// Published once for the class into a temporary folder, with its own build folders (artifacts path), so the
/// repository's obj folders are left as they were.
/// </summary>
public sealed class PublishedProgramFixture : IAsyncLifetime
{
    private readonly string work = Directory.CreateTempSubdirectory("safeuse-published-").FullName;

    public string Dir => Path.Combine(work, "app");

    public string Safeuse => Path.Combine(Dir, "safeuse");

    public async Task InitializeAsync()
    {
        if (PublishedFactAttribute.SkipReason() is not null) return; // the tests skip (or fail, under SAFEUSE_REQUIRE_ALL) by themselves
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SafeUse.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("SafeUse.slnx not found above the test folder");
        var (code, output, error) = await PublishedProgramTests.RunAsync("dotnet", TimeSpan.FromMinutes(8), null,
            "publish", Path.Combine(root, "src", "SafeUse"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", Dir, "--artifacts-path", Path.Combine(work, "artifacts"), "-nologo");
        code.ShouldBe(0, $"dotnet publish failed:\n{output}\n{error}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(work, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Published-program tests need 64-bit Linux, a C toolchain to link the native monitor and a CPU it can run on
/// (x86-64-v3). Elsewhere they skip with the reason, and fail instead under SAFEUSE_REQUIRE_ALL=1.
/// </summary>
public sealed class PublishedFactAttribute : FactAttribute
{
    public PublishedFactAttribute()
    {
        if (SkipReason() is { } reason && !TestEnvironment.RequireAll) Skip = reason;
    }

    public static string? SkipReason()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "the native monitor is published for linux-x64 only";
        if (!NativeMonitor.CpuSupported) return "this CPU cannot run the native monitor (x86-64-v3: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, with the AVX state enabled)";
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        if (!path.Any(d => File.Exists(Path.Combine(d, "gcc")) || File.Exists(Path.Combine(d, "clang")))) return "no C toolchain (gcc or clang) to link the native monitor";
        return null;
    }
}

public sealed class PublishedProgramTests(PublishedProgramFixture published) : IClassFixture<PublishedProgramFixture>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("safeuse-published-run-").FullName;

    private static readonly Dictionary<string, string> JustInTime = new() { [NativeMonitor.Switch] = "0" };

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static async Task<(int Code, string Output, string Error)> RunAsync(string file, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }

        return (process.ExitCode, await output, await error);
    }

    private Task<(int Code, string Output, string Error)> Safeuse(params string[] args) => RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), null, args);

    private string Write(string name, string content)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private static long Epoch(int month, int day, int hour, int minute) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static string Squid(long epoch, string ip, long bytes, string method, string url, string user) =>
        $"{epoch}.000     81 {ip} TCP_MISS/200 {bytes} {method} {url} {user} HIER_DIRECT/10.0.0.9 text/html";

    /// <summary>Inputs that use every part of the engine: domain, URL and expression lists, a period across the
    /// spring clock change, search terms, bytes-over, a gzip log, a DNS log without a year, and bad lines.</summary>
    private string[] Arrange()
    {
        Write("lists/gambling/domains", "bet-example.test\ncasino-example.test\n");
        Write("lists/gambling/urls", "www.games-example.test/poker\n");
        Write("lists/games/domains", "play-example.test\n");
        Write("lists/games/expressions", "(^|[./])arcade[0-9]+\\.\n");
        Write("lists/whitelist/domains", "safe.bet-example.test\n");
        Write("terms.txt", "self harm\n");
        Write("rules.yaml", """
            timezone: Europe/London
            periods:
              core-hours: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "16:15" }
            rules:
              - id: never-gambling
                clause: "4.2"
                categories: [gambling]
                except-categories: [whitelist]
                who: [any]
                severity: high
              - id: staff-games-core-hours
                categories: [games]
                who: [staff]
                when: core-hours
                severity: low
              - id: self-harm-searches
                search-terms: terms.txt
                who: [any]
                severity: critical
              - id: big-downloads
                bytes-over: 500MB
                within: 1h
                who: [staff]
                severity: low
            """);
        Write("people.csv", "user,role,name,school\nstaff01,staff,Ann Lee,Alder\nstu01,pupil,Bo Reyes,Alder\n");
        var squid = string.Join('\n',
            Squid(Epoch(3, 27, 8, 30), "10.0.0.5", 603, "GET", "http://play-example.test/", "staff01"), // 08:30 GMT: before core hours
            Squid(Epoch(3, 27, 9, 30), "10.0.0.5", 603, "GET", "http://play-example.test/", "SCHOOL\\staff01"), // 09:30 GMT: in
            Squid(Epoch(3, 30, 8, 30), "10.0.0.5", 603, "GET", "http://play-example.test/", "staff01@school.test"), // 09:30 BST: in
            Squid(Epoch(3, 30, 15, 15), "10.0.0.5", 603, "GET", "http://play-example.test/", "staff01"), // 16:15 BST: out (to is exclusive)
            Squid(Epoch(3, 30, 10, 0), "10.0.0.7", 100, "GET", "http://www2.games-example.test/poker/room?id=1", "stu01"),
            Squid(Epoch(3, 30, 10, 1), "10.0.0.7", 100, "GET", "http://games-example.test/pokerface", "stu01"),
            Squid(Epoch(3, 30, 10, 2), "10.0.0.7", 100, "GET", "http://cdn.arcade7.example/x.js", "staff01"),
            Squid(Epoch(3, 30, 10, 3), "10.0.0.7", 100, "GET", "https://www.google.co.uk/search?q=how+to+Self%20Harm&hl=en", "stu01"),
            Squid(Epoch(3, 30, 10, 4), "10.0.0.7", 100, "GET", "https://www.bing.com/search?q=selfharmony", "stu01"),
            Squid(Epoch(3, 30, 11, 0), "10.0.0.5", 300_000_000, "GET", "http://files.example/a.iso", "staff01"),
            Squid(Epoch(3, 30, 11, 10), "10.0.0.5", 300_000_000, "GET", "http://files.example/b.iso", "staff01"), // over 500 MB
            Squid(Epoch(3, 30, 11, 20), "10.0.0.5", 300_000_000, "GET", "http://files.example/c.iso", "staff01"), // once a window
            "garbage that is not a squid line",
            Squid(Epoch(3, 30, 12, 0), "10.0.0.6", 0, "CONNECT", "casino-example.test:443", "-"),
            Squid(Epoch(3, 30, 12, 1), "10.0.0.6", 0, "CONNECT", "safe.bet-example.test:443", "-")) + "\n";
        var plain = Write("access.log", squid);
        var gz = Path.Combine(dir, "access.log.gz");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Optimal))
        {
            zip.Write(System.Text.Encoding.UTF8.GetBytes(squid));
        }

        var dns = Write("dnsmasq.log", string.Join('\n',
            "Mar 30 10:05:00 dnsmasq[812]: query[A] www.casino-example.test from 10.0.0.8",
            "Mar 30 10:05:00 dnsmasq[812]: forwarded www.casino-example.test to 1.1.1.1",
            "Mar 30 10:06:00 dnsmasq[812]: query[A] play-example.test from 10.0.0.8") + "\n");
        return [plain, gz, dns];
    }

    private string[] RunArgs(string outName, params string[] logs) =>
    [
        "monitor", "run", "--rules", Path.Combine(dir, "rules.yaml"), "--lists", Path.Combine(dir, "lists"),
        "--people", Path.Combine(dir, "people.csv"), "--year", "2026", "--no-cache",
        "--out", Path.Combine(dir, outName + ".jsonl"), "--summary", Path.Combine(dir, outName + ".json"), .. logs,
    ];

    private (int Lines, int Parsed, int Skipped, int Hits, string Compiled) Summary(string name)
    {
        var s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json"))).RootElement;
        return (s.GetProperty("linesRead").GetInt32(), s.GetProperty("linesParsed").GetInt32(), s.GetProperty("linesSkipped").GetInt32(),
            s.GetProperty("hits").GetInt32(), s.GetProperty("compiled").GetString()!);
    }

    [PublishedFact]
    public async Task Safeuse_monitor_runs_the_native_monitor_which_writes_exactly_what_the_just_in_time_one_writes()
    {
        var logs = Arrange();
        var (code, _, error) = await Safeuse(RunArgs("native", logs));
        code.ShouldBe(0, error);
        (code, _, error) = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), JustInTime, RunArgs("jit", logs));
        code.ShouldBe(0, error);
        (await SafeUseCli.RunAsync(RunArgs("in-process", logs))).ShouldBe(0);

        var hits = File.ReadAllLines(Path.Combine(dir, "native.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // What the inputs above must give, rule by rule: the squid file, the same lines again from the gzip file (the
        // person's 500 MB window was already crossed, so no second big-downloads hit), then the DNS log.
        var rules = hits.Select(h => h.GetProperty("rule").GetString()).ToList();
        string[] squid = ["staff-games-core-hours", "staff-games-core-hours", "never-gambling", "staff-games-core-hours", "self-harm-searches"];
        rules.ShouldBe([.. squid, "big-downloads", "never-gambling", .. squid, "never-gambling", "never-gambling"]);
        hits[4].GetProperty("search").GetString().ShouldBe("how to self harm");
        hits[^1].GetProperty("source").GetString()!.ShouldEndWith("dnsmasq.log:1");
        hits[^1].GetProperty("time").GetString().ShouldBe("2026-03-30T09:05:00.000Z"); // 10:05 BST

        var native = File.ReadAllText(Path.Combine(dir, "native.jsonl"));
        File.ReadAllText(Path.Combine(dir, "jit.jsonl")).ShouldBe(native);
        File.ReadAllText(Path.Combine(dir, "in-process.jsonl")).ShouldBe(native);
        // The garbage line twice, and dnsmasq's "forwarded" line (not a query), are skipped.
        Summary("native").ShouldBe((33, 30, 3, 14, "native"));
        Summary("jit").ShouldBe((33, 30, 3, 14, "jit"));
    }

    [PublishedFact]
    public async Task The_native_monitor_gives_the_same_output_on_two_threads_and_exit_2_with_the_reason_for_bad_arguments()
    {
        var logs = Arrange();
        (await Safeuse([.. RunArgs("one"), "--threads", "1", .. logs])).Code.ShouldBe(0);
        (await Safeuse([.. RunArgs("two"), "--threads", "2", .. logs])).Code.ShouldBe(0);
        File.ReadAllText(Path.Combine(dir, "two.jsonl")).ShouldBe(File.ReadAllText(Path.Combine(dir, "one.jsonl")));
        Summary("two").Compiled.ShouldBe("native");

        var threads = await Safeuse([.. RunArgs("bad"), "--threads", "0", .. logs]);
        threads.Code.ShouldBe(2);
        threads.Error.ShouldContain("--threads: '0' is not a number from 1 to 256");

        Write("bad.yaml", "rules:\n  - id: x\n    severity: apocalyptic\n");
        var rules = await Safeuse("monitor", "run", "--rules", Path.Combine(dir, "bad.yaml"), "--lists", Path.Combine(dir, "lists"), "--no-cache", logs[0]);
        rules.Code.ShouldBe(2);
        rules.Error.ShouldContain("bad.yaml");
        rules.Error.ShouldContain("severity");
        File.Exists(Path.Combine(dir, "bad.jsonl")).ShouldBeFalse();
    }

    [PublishedFact]
    public async Task The_database_options_are_accepted_wherever_they_stand_and_other_commands_stay_with_the_web_application()
    {
        var logs = Arrange();
        // After `monitor`: still the native monitor, which accepts and ignores them (a run has no database).
        var after = await Safeuse([.. RunArgs("after", logs), "--data-dir", Path.Combine(dir, "data")]);
        after.Code.ShouldBe(0, after.Error);
        Summary("after").ShouldBe((33, 30, 3, 14, "native"));
        // Before it: the web application's command line, which has `monitor` too.
        var before = await Safeuse(["--data-dir", Path.Combine(dir, "data"), .. RunArgs("before", logs)]);
        before.Code.ShouldBe(0, before.Error);
        Summary("before").ShouldBe((33, 30, 3, 14, "jit"));

        var help = await Safeuse("--help");
        help.Code.ShouldBe(0, help.Error);
        help.Output.ShouldContain("Usage:\n  safeuse [command] [options]");
        foreach (var command in new[] { "serve", "db", "policy", "reminders", "monitor" }) help.Output.ShouldContain($"  {command} ");
        // Bad arguments, an unknown subcommand among them, are exit 2 with what is wrong.
        var unknown = await Safeuse("policy", "no-such-subcommand");
        unknown.Code.ShouldBe(2);
        unknown.Error.ShouldContain("no-such-subcommand");
    }

    [PublishedFact]
    public async Task Safeuse_monitor_starts_no_dotnet_host_and_every_other_command_starts_the_web_applications_host()
    {
        // COREHOST_TRACE makes every .NET host say so on standard error as it starts.
        var trace = new Dictionary<string, string> { ["COREHOST_TRACE"] = "1" };
        var monitor = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), trace, "monitor", "--help");
        monitor.Code.ShouldBe(0, monitor.Error);
        monitor.Output.ShouldContain("Usage:\n  safeuse monitor [command] [options]");
        monitor.Error.ShouldNotContain("Tracing enabled");

        var help = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), trace, "--help");
        help.Code.ShouldBe(0);
        help.Error.ShouldContain("Tracing enabled");
        help.Error.ShouldContain(Path.Combine(published.Dir, "safeuse.dll"));

        // Through a symbolic link elsewhere (as /usr/local/bin/safeuse would be), the programs are still found.
        var logs = Arrange();
        var link = Path.Combine(dir, "bin", "safeuse");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, published.Safeuse);
        var linked = await RunAsync(link, TimeSpan.FromMinutes(1), null, RunArgs("linked", logs));
        linked.Code.ShouldBe(0, linked.Error);
        Summary("linked").ShouldBe((33, 30, 3, 14, "native"));
        (await RunAsync(link, TimeSpan.FromMinutes(1), null, "--help")).Output.ShouldContain("Usage:\n  safeuse [command] [options]");
    }

    [PublishedFact]
    public async Task Without_the_native_monitor_monitor_runs_in_the_web_applications_program_and_without_that_safeuse_says_what_is_wrong()
    {
        // A copy of the installation (hard links: the same files in another folder) without safeuse-monitor.
        var copy = Path.Combine(dir, "install");
        var (code, _, error) = await RunAsync("cp", TimeSpan.FromMinutes(1), null, "-al", published.Dir, copy);
        code.ShouldBe(0, error);
        File.Delete(Path.Combine(copy, NativeMonitor.FileName));

        var logs = Arrange();
        var safeuse = Path.Combine(copy, "safeuse");
        var run = await RunAsync(safeuse, TimeSpan.FromMinutes(1), null, RunArgs("no-native", logs));
        run.Code.ShouldBe(0, run.Error);
        Summary("no-native").ShouldBe((33, 30, 3, 14, "jit"));
        (await Safeuse(RunArgs("native", logs))).Code.ShouldBe(0);
        File.ReadAllText(Path.Combine(dir, "no-native.jsonl")).ShouldBe(File.ReadAllText(Path.Combine(dir, "native.jsonl")));

        var app = Path.Combine(copy, "safeuse-app");
        File.Delete(app);
        var broken = await RunAsync(safeuse, TimeSpan.FromMinutes(1), null, "--help");
        broken.Code.ShouldBe(1);
        broken.Error.ShouldContain($"safeuse: could not start {app} (No such file or directory)");

        // safeuse-app made a link to the launcher (a tempting repair): it stops at once rather than start itself for ever.
        File.CreateSymbolicLink(app, safeuse);
        var loop = await RunAsync(safeuse, TimeSpan.FromMinutes(1), null, "--help");
        loop.Code.ShouldBe(1);
        loop.Error.ShouldContain($"safeuse: {app} is not the web application's program");
    }
}
