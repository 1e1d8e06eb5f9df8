using BenchmarkDotNet.Running;
using SafeUse.Monitoring.Benchmarks;

if (args.Length >= 2 && args[0] == "generate")
{
    DataSetGenerator.Generate(args[1]);
    return;
}
if (args.Length >= 1 && args[0] == "phases")
{
    Phases.Run(args.Length >= 2 ? args[1] : Environment.GetEnvironmentVariable("SAFEUSE_BENCH_DATA") ?? "/tmp/safeuse-bench");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(DataSetGenerator).Assembly).Run(args);
