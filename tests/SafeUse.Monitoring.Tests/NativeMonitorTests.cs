using System.Runtime.Intrinsics.X86;
using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class NativeMonitorTests
{
    [Fact]
    public void The_CPUID_check_agrees_with_what_the_runtime_found_this_CPU_runs()
    {
        // The launcher, compiled for the baseline CPU, reads CPUID itself; under the JIT the runtime has read it too.
        var runtime = Avx.IsSupported && Avx2.IsSupported && Fma.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Lzcnt.IsSupported;
        NativeMonitor.CpuSupported.ShouldBe(runtime);
    }
}
