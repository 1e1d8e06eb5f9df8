using System.Diagnostics;

namespace SafeUse.Monitoring.Benchmarks;

/// <summary>
/// Where the time goes: runs the hot loop over the in-memory log one stage at a time (split lines, parse, split the
/// URL, host lookup, URL lookup, the whole engine) and prints nanoseconds per line for each stage.
/// With PHASES_ENGINE_ONLY (empty for the bench rules, or a rules file) it runs the whole engine over the in-memory
/// log seven times in one process and prints each run, GC counts and bytes allocated; PHASES_TOUCH reads the log once
/// (twice, timed) before the runs and PHASES_WARM_SMALL runs a small piece first, to separate first-touch and
/// warm-up costs from the steady state.
/// </summary>
internal static class Phases
{
    public static void Run(string dir)
    {
        if (Environment.GetEnvironmentVariable("PHASES_ENGINE_ONLY") is { } rulesFile)
        {
            // The whole engine over the in-memory log, several times in one process: the minimum is steady against a
            // noisy machine, for comparing changes to the hot path.
            var e = MonitoringEngine.Load(rulesFile.Length > 0 ? rulesFile : Path.Combine(dir, "rules.yaml"), Path.Combine(dir, "lists"), Path.Combine(dir, "people.csv"));
            var bytes = File.ReadAllBytes(Path.Combine(dir, "access.log"));
            var times = new List<double>();
            if (Environment.GetEnvironmentVariable("PHASES_TOUCH") is not null)
            {
                var swTouch = Stopwatch.StartNew();
                long sumBytes = 0;
                for (var i = 0; i < bytes.Length; i += 64) sumBytes += bytes[i];
                Console.WriteLine($"touched the log in {swTouch.Elapsed.TotalSeconds:F3} s ({sumBytes})");
                swTouch.Restart();
                for (var i = 0; i < bytes.Length; i += 64) sumBytes += bytes[i];
                Console.WriteLine($"touched it again in {swTouch.Elapsed.TotalSeconds:F3} s ({sumBytes})");
            }
            if (Environment.GetEnvironmentVariable("PHASES_WARM_SMALL") is not null)
            {
                var small = bytes.AsSpan(0, bytes.AsSpan(0, 200_000).LastIndexOf((byte)'\n') + 1).ToArray();
                var swSmall = Stopwatch.StartNew();
                e.Run(["-"], Stream.Null, LogFormat.Squid, 1, new MemoryStream(small, false));
                Console.WriteLine($"small warm-up run: {swSmall.Elapsed.TotalSeconds:F3} s");
            }
            for (var i = 0; i < 7; i++)
            {
                var (g0, g1, g2, alloc) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());
                var sw = Stopwatch.StartNew();
                var sum = e.Run(["-"], Stream.Null, LogFormat.Squid, 1, new MemoryStream(bytes, false));
                times.Add(sw.Elapsed.TotalSeconds);
                Console.WriteLine($"run {i + 1}: {sw.Elapsed.TotalSeconds:F3} s, {sum.Hits:N0} hits, GCs {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}, allocated {(GC.GetTotalAllocatedBytes() - alloc) / 1e6:F0} MB");
            }
            times.Sort();
            Console.WriteLine($"engine in memory, 1 thread: min {times[0]:F3} s  median {times[3]:F3} s  ({2e6 / times[0] / 1e6:F2} M lines/s at the min)");
            return;
        }
        var engine = MonitoringEngine.Load(Path.Combine(dir, "rules.yaml"), Path.Combine(dir, "lists"), Path.Combine(dir, "people.csv"));
        Console.WriteLine($"lists loaded in {engine.Lists.LoadTime.TotalSeconds:F3} s ({engine.Lists.DomainCount:N0} domains, {engine.Lists.UrlCount:N0} URLs)");
        var cacheDir = Path.Combine(Path.GetTempPath(), "safeuse-phases-cache");
        for (var i = 0; i < 3; i++)
        {
            var sw0 = Stopwatch.StartNew();
            var keyOnly = CategoryLists.Load(Path.Combine(dir, "lists"), cacheDir);
            Console.WriteLine($"lists through the cache: {keyOnly.Cache} in {sw0.Elapsed.TotalSeconds:F3} s");
        }
        var log = File.ReadAllBytes(Path.Combine(dir, "access.log"));
        var clock = new LocalClock(engine.Rules.TimeZone);
        var host = new byte[1024];
        // Hosts alone: hashing their suffixes, then looking them up, in batches as the engine does.
        var hostList = new List<byte[]>();
        {
            ReadOnlySpan<byte> d = log;
            while (!d.IsEmpty)
            {
                var nl = d.IndexOf((byte)'\n');
                var line = nl < 0 ? d : d[..nl];
                d = nl < 0 ? default : d[(nl + 1)..];
                var l = new LogLine();
                if (LogParsers.Parse(Parser.Squid, line, clock, 2026, ref l) is null && LogParsers.SplitUrl(l.Url, host, out var n, out _, out _))
                    hostList.Add(host.AsSpan(0, n).ToArray());
            }
        }
        var hashes = new ulong[16 * 16];
        var starts = new int[16 * 16];
        var counts = new int[16];
        for (var round = 0; round < 3; round++)
        {
            var sw1 = Stopwatch.StartNew();
            long total = 0;
            for (var i = 0; i < hostList.Count; i++) total += engine.Lists.HostSuffixes(hostList[i], hashes.AsSpan(0, 16), starts.AsSpan(0, 16));
            var hashOnly = sw1.Elapsed.TotalMilliseconds * 1e6 / hostList.Count;
            sw1.Restart();
            UInt128 any = 0;
            for (var i = 0; i < hostList.Count; i += 16)
            {
                var m = Math.Min(16, hostList.Count - i);
                for (var k = 0; k < m; k++) counts[k] = engine.Lists.HostSuffixes(hostList[i + k], hashes.AsSpan(k * 16, 16), starts.AsSpan(k * 16, 16));
                for (var k = 0; k < m; k++) any |= engine.Lists.ClassifyHostSuffixes(hostList[i + k], hashes.AsSpan(k * 16, counts[k]), starts.AsSpan(k * 16, counts[k]));
            }
            var batched = sw1.Elapsed.TotalMilliseconds * 1e6 / hostList.Count;
            sw1.Restart();
            for (var i = 0; i < hostList.Count; i++) any |= engine.Lists.ClassifyHost(hostList[i]);
            var plain = sw1.Elapsed.TotalMilliseconds * 1e6 / hostList.Count;
            Console.WriteLine($"hosts: suffix hashing {hashOnly:F0} ns, hashing + lookups in batches of 16 {batched:F0} ns, one at a time {plain:F0} ns ({total} {any != 0})");
        }
        for (var round = 0; round < 2; round++)
        {
            Console.WriteLine(round == 0 ? "warm-up" : "measured");
            Stage("split lines", log, line => line.Length);
            Stage("+ parse", log, line =>
            {
                var l = new LogLine();
                return LogParsers.Parse(Parser.Squid, line, clock, 2026, ref l) is null ? 1 : 0;
            });
            Stage("+ split URL", log, line =>
            {
                var l = new LogLine();
                if (LogParsers.Parse(Parser.Squid, line, clock, 2026, ref l) is not null) return 0;
                return LogParsers.SplitUrl(l.Url, host, out var n, out _, out _) ? n : 0;
            });
            Stage("+ host lookup", log, line =>
            {
                var l = new LogLine();
                if (LogParsers.Parse(Parser.Squid, line, clock, 2026, ref l) is not null) return 0;
                if (!LogParsers.SplitUrl(l.Url, host, out var n, out _, out _)) return 0;
                return engine.Lists.ClassifyHost(host.AsSpan(0, n)) == UInt128.Zero ? 0 : 1;
            });
            Stage("+ URL lookup", log, line =>
            {
                var l = new LogLine();
                if (LogParsers.Parse(Parser.Squid, line, clock, 2026, ref l) is not null) return 0;
                if (!LogParsers.SplitUrl(l.Url, host, out var n, out var pq, out var hasPath)) return 0;
                var h = host.AsSpan(0, n);
                var q = pq.IndexOfAny((byte)'?', (byte)'#');
                var mask = engine.Lists.ClassifyHost(h);
                if (hasPath) mask |= engine.Lists.ClassifyUrl(h, q < 0 ? pq : pq[..q]);
                return mask == UInt128.Zero ? 0 : 1;
            });
            var sw = Stopwatch.StartNew();
            var summary = engine.Run(["-"], Stream.Null, LogFormat.Squid, 1, new MemoryStream(log, false));
            Console.WriteLine($"  {"whole engine",-16} {sw.Elapsed.TotalMilliseconds * 1e6 / summary.LinesRead,7:F0} ns/line  ({summary.Hits:N0} hits)");
        }
    }

    private delegate int LineWork(ReadOnlySpan<byte> line);

    private static void Stage(string name, byte[] log, LineWork work)
    {
        var sw = Stopwatch.StartNew();
        ReadOnlySpan<byte> data = log;
        long lines = 0, sum = 0;
        while (!data.IsEmpty)
        {
            var nl = data.IndexOf((byte)'\n');
            var line = nl < 0 ? data : data[..nl];
            data = nl < 0 ? default : data[(nl + 1)..];
            sum += work(line);
            lines++;
        }
        Console.WriteLine($"  {name,-16} {sw.Elapsed.TotalMilliseconds * 1e6 / lines,7:F0} ns/line  ({sum})");
    }
}
