using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class NativeMonitorTests
{
    // CPUID registers with every x86-64-v3 bit set: leaf 1 ECX (FMA 12, MOVBE 22, OSXSAVE 27, AVX 28, F16C 29),
    // leaf 7 EBX (BMI1 3, AVX2 5, BMI2 8), leaf 0x80000001 ECX (LZCNT 5).
    private const int Ecx1 = 1 << 12 | 1 << 22 | 1 << 27 | 1 << 28 | 1 << 29;
    private const int Ebx7 = 1 << 3 | 1 << 5 | 1 << 8;
    private const int EcxExtended = 1 << 5;

    [Fact]
    public void CPUID_with_every_x86_64_v3_feature_passes_and_without_any_one_of_them_fails()
    {
        NativeMonitor.CpuIdSaysV3(Ecx1, Ebx7, EcxExtended).ShouldBeTrue();
        NativeMonitor.CpuIdSaysV3(-1, -1, -1).ShouldBeTrue();
        foreach (var bit in new[] { 12, 22, 27, 28, 29 })
            NativeMonitor.CpuIdSaysV3(Ecx1 & ~(1 << bit), Ebx7, EcxExtended).ShouldBeFalse($"leaf 1 ECX bit {bit}");
        foreach (var bit in new[] { 3, 5, 8 })
            NativeMonitor.CpuIdSaysV3(Ecx1, Ebx7 & ~(1 << bit), EcxExtended).ShouldBeFalse($"leaf 7 EBX bit {bit}");
        NativeMonitor.CpuIdSaysV3(Ecx1, Ebx7, 0).ShouldBeFalse("LZCNT");
    }

    [Fact]
    public void The_kernel_must_list_the_AVX_features_it_clears_when_the_AVX_state_is_off()
    {
        const string line = "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 movbe popcnt xsave avx f16c bmi1 avx2 bmi2 avx512f";
        NativeMonitor.KernelEnablesAvx(line).ShouldBeTrue();
        foreach (var flag in new[] { "avx", "avx2", "fma", "f16c" })
            NativeMonitor.KernelEnablesAvx(line.Replace($" {flag} ", " ")).ShouldBeFalse(flag);
        NativeMonitor.KernelEnablesAvx("flags : fpu fma f16c avx avx512f avx_vnni").ShouldBeFalse("avx512f is not avx2");
        NativeMonitor.KernelEnablesAvx(null).ShouldBeFalse("no /proc/cpuinfo");
    }
}
