using BenchmarkDotNet.Running;
using SafeUse.Monitoring.Benchmarks;

if (args.Length >= 2 && args[0] == "generate")
{
    DataSetGenerator.Generate(args[1]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(DataSetGenerator).Assembly).Run(args);
