using System.Runtime.Intrinsics.X86;

namespace SafeUse.Monitoring;

/// <summary>
/// What decides whether a `safeuse monitor ...` run goes to `safeuse-monitor`, the monitor compiled ahead of time
/// (src/SafeUse.Native), published beside `safeuse` on 64-bit Linux: the program's file name, the switch that turns
/// it off, and whether this CPU can run it. Used by the `safeuse` launcher (src/SafeUse.Launcher) and the tests.
/// </summary>
public static class NativeMonitor
{
    /// <summary>The native monitor's file name, beside `safeuse`.</summary>
    public const string FileName = "safeuse-monitor";

    /// <summary>The environment variable that, set to 0, keeps `monitor` in the .NET program (compiled just in time).</summary>
    public const string Switch = "SAFEUSE_NATIVE_MONITOR";

    /// <summary>
    /// Whether this CPU runs x86-64-v3 code, which `safeuse-monitor` is compiled for (its scans are 32 bytes wide):
    /// AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT and MOVBE, with the system saving the AVX registers (OSXSAVE). Read
    /// from CPUID, so the answer is the CPU's whatever this code was compiled for (the launcher is compiled for the
    /// baseline, where <c>Avx2.IsSupported</c> would be false at compile time).
    /// </summary>
    public static bool CpuSupported { get; } = ReadCpu();

    private static bool ReadCpu()
    {
        if (!X86Base.IsSupported) return false; // not x86
        static bool Bit(int register, int bit) => (register & (1 << bit)) != 0;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x8000_0000), 0);
        if (maxLeaf < 7 || (uint)maxExtended < 0x8000_0001) return false;
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        var (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        var (_, _, ecxExtended, _) = X86Base.CpuId(unchecked((int)0x8000_0001), 0);
        return Bit(ecx1, 12) && Bit(ecx1, 22) && Bit(ecx1, 27) && Bit(ecx1, 28) && Bit(ecx1, 29) // FMA, MOVBE, OSXSAVE, AVX, F16C
            && Bit(ebx7, 3) && Bit(ebx7, 5) && Bit(ebx7, 8) // BMI1, AVX2, BMI2
            && Bit(ecxExtended, 5); // LZCNT
    }
}
