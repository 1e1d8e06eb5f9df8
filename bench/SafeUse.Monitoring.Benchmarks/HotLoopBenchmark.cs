using BenchmarkDotNet.Attributes;

namespace SafeUse.Monitoring.Benchmarks;

/// <summary>
/// The hot loop alone: classify the generated squid log (in memory) with the generated lists and rules.
/// Needs the data set: <c>bench/monitoring-vs-squidguard.sh</c> writes it to <c>SAFEUSE_BENCH_DATA</c> (default /tmp/safeuse-bench).
/// </summary>
[MemoryDiagnoser]
[InProcess] // in process: the generated-project toolchain does not build from this layout
public class HotLoopBenchmark
{
    private MonitoringEngine _engine = null!;
    private byte[] _log = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dir = Environment.GetEnvironmentVariable("SAFEUSE_BENCH_DATA") ?? "/tmp/safeuse-bench";
        _engine = MonitoringEngine.Load(Path.Combine(dir, "rules.yaml"), Path.Combine(dir, "lists"), Path.Combine(dir, "people.csv"));
        using var f = File.OpenRead(Path.Combine(dir, "access.log"));
        _log = new byte[Math.Min(f.Length, 64L << 20)]; // first 64 MB keeps the benchmark's memory modest
        f.ReadExactly(_log);
    }

    [Benchmark]
    public long Classify()
    {
        var summary = _engine.Run(["-"], Stream.Null, LogFormat.Squid, Threads, new MemoryStream(_log, false));
        return summary.Hits;
    }
}
