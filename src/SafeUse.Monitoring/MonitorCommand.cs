using System.CommandLine;

namespace SafeUse.Monitoring;

/// <summary>
/// `safeuse monitor ...`: the monitoring engine on the command line. The web application's command line includes it,
/// and so does `safeuse-monitor` (src/SafeUse.Native), the same command compiled ahead of time, which a published
/// `safeuse` hands `monitor` to.
/// </summary>
public static class MonitorCommand
{
    /// <summary>The `monitor` command with its `run` subcommand.</summary>
    /// <param name="native">True in the program compiled ahead of time; the summary says which one ran.</param>
    public static Command Create(bool native = false)
    {
        var monitor = new Command("monitor", "Read web filter, proxy and DNS logs and apply the AUP's rules.");
        monitor.Subcommands.Add(CreateRun(native ? "native" : "jit"));
        return monitor;
    }

    private static Command CreateRun(string compiled)
    {
        // Options are validated in the action, not by the parser, so that every bad argument exits with 2 (the parser's errors exit with 1).
        var rules = new Option<string?>("--rules") { Description = "Rules YAML file (required)." };
        var lists = new Option<string?>("--lists") { Description = "squidGuard-format category lists directory (required)." };
        var people = new Option<string?>("--people") { Description = "People CSV: user,role,name,school." };
        var ipMap = new Option<string?>("--ip-map") { Description = "IP map CSV: ip,user,from,to." };
        var format = new Option<string>("--format") { Description = "auto|squid|squid-common|squid-combined|e2guardian|bind|unbound|dnsmasq", DefaultValueFactory = _ => "auto" };
        var year = new Option<string?>("--year") { Description = "Year for syslog-style times without one (default: this year)." };
        var threads = new Option<string?>("--threads") { Description = "Worker threads (default 1)." };
        var output = new Option<string?>("--out") { Description = "Hits as JSON lines (default: standard output)." };
        var summaryPath = new Option<string?>("--summary") { Description = "Summary JSON file." };
        var cache = new Option<string?>("--cache") { Description = "Folder for the compiled lists (default: $XDG_CACHE_HOME/safeuse or ~/.cache/safeuse)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Parse the lists every run; read and write no cache." };
        var logs = new Argument<string[]>("LOG") { Description = "Log files (plain or .gz), or - for standard input.", Arity = ArgumentArity.ZeroOrMore };

        var run = new Command("run", "Classify log lines and write rule hits.") { TreatUnmatchedTokensAsErrors = false };
        foreach (var o in new Option[] { rules, lists, people, ipMap, format, year, threads, output, summaryPath, cache, noCache }) run.Options.Add(o);
        run.Arguments.Add(logs);
        run.SetAction((parseResult, ct) =>
        {
            var unmatched = parseResult.UnmatchedTokens.Where(t => t.StartsWith("--", StringComparison.Ordinal)).ToList();
            if (unmatched.Count > 0) return Task.FromResult(Bad($"{unmatched[0]}: unknown option"));
            var rulesPath = parseResult.GetValue(rules);
            var listsDir = parseResult.GetValue(lists);
            if (string.IsNullOrEmpty(rulesPath)) return Task.FromResult(Bad("--rules: required"));
            if (string.IsNullOrEmpty(listsDir)) return Task.FromResult(Bad("--lists: required"));
            var threadCount = 1;
            if (parseResult.GetValue(threads) is { } t && (!int.TryParse(t, out threadCount) || threadCount < 1 || threadCount > 256))
                return Task.FromResult(Bad($"--threads: '{t}' is not a number from 1 to 256"));
            int? yearValue = null;
            if (parseResult.GetValue(year) is { } y)
            {
                if (!int.TryParse(y, out var yv) || yv < 1970 || yv > 9999) return Task.FromResult(Bad($"--year: '{y}' is not a year"));
                yearValue = yv;
            }
            var files = (parseResult.GetValue(logs) ?? []).Concat(parseResult.UnmatchedTokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal))).ToArray();
            if (files.Length == 0) return Task.FromResult(Bad("LOG: at least one log file (or -) is required"));
            if (files.FirstOrDefault(f => f.StartsWith("--", StringComparison.Ordinal)) is { } unknown) return Task.FromResult(Bad($"{unknown}: unknown option"));
            var cacheDir = parseResult.GetValue(noCache) ? null : parseResult.GetValue(cache) ?? DefaultCacheDirectory();
            if (cacheDir is "") return Task.FromResult(Bad("--cache: a folder is required"));
            var code = Execute(rulesPath, listsDir, parseResult.GetValue(people), parseResult.GetValue(ipMap),
                parseResult.GetValue(format) ?? "auto", yearValue, threadCount,
                parseResult.GetValue(output), parseResult.GetValue(summaryPath), cacheDir, files, compiled, ct);
            return Task.FromResult(code);
        });
        return run;
    }

    /// <summary>$XDG_CACHE_HOME/safeuse, else ~/.cache/safeuse; null (no cache) when neither is known.</summary>
    private static string? DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "safeuse");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "safeuse");
    }

    private static int Bad(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private static int Execute(string rulesPath, string listsDir, string? peoplePath, string? ipMapPath, string format, int? year,
        int threads, string? outPath, string? summaryPath, string? cacheDir, string[] logs, string compiled, CancellationToken ct)
    {
        LogFormat logFormat;
        switch (format.ToLowerInvariant())
        {
            case "auto": logFormat = LogFormat.Auto; break;
            case "squid": logFormat = LogFormat.Squid; break;
            case "squid-common": logFormat = LogFormat.SquidCommon; break;
            case "squid-combined": logFormat = LogFormat.SquidCombined; break;
            case "e2guardian": logFormat = LogFormat.E2Guardian; break;
            case "bind": logFormat = LogFormat.Bind; break;
            case "unbound": logFormat = LogFormat.Unbound; break;
            case "dnsmasq": logFormat = LogFormat.Dnsmasq; break;
            default:
                Console.Error.WriteLine($"--format: unknown format '{format}'");
                return 2;
        }
        foreach (var log in logs)
        {
            if (log != "-" && !File.Exists(log)) { Console.Error.WriteLine($"{log}: LOG: file not found"); return 2; }
        }
        try
        {
            var engine = MonitoringEngine.Load(rulesPath, listsDir, peoplePath, ipMapPath, year, cacheDir);
            using var outStream = outPath is null ? Console.OpenStandardOutput() : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read);
            using var buffered = new BufferedStream(outStream, 1 << 16); // 64 KB writes
            var summary = engine.Run(logs, buffered, logFormat, threads, null, ct);
            buffered.Flush();
            if (summaryPath is not null)
            {
                using var s = new FileStream(summaryPath, FileMode.Create, FileAccess.Write);
                summary.WriteJson(s, engine.Lists.LoadTime, engine.Lists.Cache, compiled);
            }
            return 0;
        }
        catch (MonitoringConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
