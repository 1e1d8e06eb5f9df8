using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using SafeUse.Platform.Cli;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>
/// The program as it is deployed: `dotnet publish src/SafeUse -r linux-x64` (the README's command) gives a native
/// `safeuse` that runs `monitor` compiled ahead of time and hands every other command to the web application
/// (`safeuse-app`). Published once for the class, into a temporary folder.
/// </summary>
public sealed class PublishedProgramFixture : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("safeuse-published-").FullName;

    public string Safeuse => Path.Combine(Dir, "safeuse");

    public async Task InitializeAsync()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SafeUse.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("SafeUse.slnx not found above the test folder");
        var (code, output, error) = await PublishedProgramTests.RunAsync("dotnet", TimeSpan.FromMinutes(8),
            "publish", Path.Combine(root, "src", "SafeUse"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", Dir, "-nologo");
        code.ShouldBe(0, $"dotnet publish failed:\n{output}\n{error}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PublishedProgramTests(PublishedProgramFixture published) : IClassFixture<PublishedProgramFixture>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("safeuse-published-run-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static Task<(int Code, string Output, string Error)> RunAsync(string file, TimeSpan timeout, params string[] args) =>
        RunAsync(file, timeout, traceDotnetHost: false, args);

    /// <summary>Runs a program; with <paramref name="traceDotnetHost"/>, the .NET host (if the program goes through
    /// one) writes its trace to standard error (COREHOST_TRACE), which a native program never does.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string file, TimeSpan timeout, bool traceDotnetHost, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (traceDotnetHost) start.Environment["COREHOST_TRACE"] = "1";
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

    private (int Lines, int Parsed, int Skipped, int Hits) Summary(string name)
    {
        var s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json"))).RootElement;
        return (s.GetProperty("linesRead").GetInt32(), s.GetProperty("linesParsed").GetInt32(), s.GetProperty("linesSkipped").GetInt32(), s.GetProperty("hits").GetInt32());
    }

    [Fact]
    public async Task The_native_monitor_writes_exactly_what_the_web_applications_command_line_writes()
    {
        var logs = Arrange();
        (await SafeUseCli.RunAsync(RunArgs("in-process", logs))).ShouldBe(0);
        var (code, _, error) = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), traceDotnetHost: true, RunArgs("native", logs));
        code.ShouldBe(0, error);
        error.ShouldNotContain("Tracing enabled"); // no .NET host: the run is native code

        var expected = File.ReadAllText(Path.Combine(dir, "in-process.jsonl"));
        var hits = File.ReadAllLines(Path.Combine(dir, "native.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // What the inputs above must give, rule by rule: the squid file, the same lines again from the gzip file (the
        // person's 500 MB window was already crossed, so no second big-downloads hit), then the DNS log.
        var rules = hits.Select(h => h.GetProperty("rule").GetString()).ToList();
        string[] squid = ["staff-games-core-hours", "staff-games-core-hours", "never-gambling", "staff-games-core-hours", "self-harm-searches"];
        rules.ShouldBe([.. squid, "big-downloads", "never-gambling", .. squid, "never-gambling", "never-gambling"]);
        hits[4].GetProperty("search").GetString().ShouldBe("how to self harm");
        hits[^1].GetProperty("source").GetString()!.ShouldEndWith("dnsmasq.log:1");
        hits[^1].GetProperty("time").GetString().ShouldBe("2026-03-30T09:05:00.000Z"); // 10:05 BST
        File.ReadAllText(Path.Combine(dir, "native.jsonl")).ShouldBe(expected);
        Summary("native").ShouldBe(Summary("in-process"));
        Summary("native").ShouldBe((33, 30, 3, 14)); // the garbage line twice, and dnsmasq's "forwarded" line (not a query)
    }

    [Fact]
    public async Task Two_threads_write_the_same_as_one_and_bad_arguments_exit_2_naming_the_argument()
    {
        var logs = Arrange();
        (await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), [.. RunArgs("one"), "--threads", "1", .. logs])).Code.ShouldBe(0);
        (await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), [.. RunArgs("two"), "--threads", "2", .. logs])).Code.ShouldBe(0);
        File.ReadAllText(Path.Combine(dir, "two.jsonl")).ShouldBe(File.ReadAllText(Path.Combine(dir, "one.jsonl")));

        var threads = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), [.. RunArgs("bad"), "--threads", "0", .. logs]);
        threads.Code.ShouldBe(2);
        threads.Error.ShouldContain("--threads: '0' is not a number from 1 to 256");

        Write("bad.yaml", "rules:\n  - id: x\n    severity: apocalyptic\n");
        var rules = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), "monitor", "run", "--rules", Path.Combine(dir, "bad.yaml"), "--lists", Path.Combine(dir, "lists"), "--no-cache", logs[0]);
        rules.Code.ShouldBe(2);
        rules.Error.ShouldContain("bad.yaml");
        rules.Error.ShouldContain("severity");
        File.Exists(Path.Combine(dir, "bad.jsonl")).ShouldBeFalse();
    }

    [Fact]
    public async Task Every_other_command_reaches_the_web_application_with_its_exit_code()
    {
        var help = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), traceDotnetHost: true, "--help");
        help.Code.ShouldBe(0, help.Error);
        help.Error.ShouldContain("Tracing enabled"); // handed to the web application through its .NET host
        help.Output.ShouldContain("Usage:\n  safeuse [command] [options]");
        foreach (var command in new[] { "serve", "db", "policy", "reminders", "monitor" }) help.Output.ShouldContain($"  {command} ");

        var unknown = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), "policy", "no-such-subcommand");
        unknown.Code.ShouldBe(1);
        unknown.Error.ShouldContain("no-such-subcommand");

        // `monitor` after an option is the web application's (the same command, compiled just in time).
        var logs = Arrange();
        var late = await RunAsync(published.Safeuse, TimeSpan.FromMinutes(1), ["--data-dir", Path.Combine(dir, "data"), .. RunArgs("late", logs)]);
        late.Code.ShouldBe(0, late.Error);
        Summary("late").ShouldBe((33, 30, 3, 14)); // the garbage line twice, and dnsmasq's "forwarded" line (not a query)
    }
}
