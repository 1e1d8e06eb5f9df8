using System.Runtime.Intrinsics.X86;

namespace SafeUse.Monitoring;

/// <summary>
/// What decides whether a `safeuse monitor ...` run goes to `safeuse-monitor`, the monitor compiled ahead of time
/// (src/SafeUse.Native), published beside `safeuse` on 64-bit Linux: the program's file name, the switch that turns
/// it off, whether this CPU can run it, and the launcher's mark. Used by the `safeuse` launcher (src/SafeUse.Launcher),
/// the web application and the tests.
/// </summary>
public static class NativeMonitor
{
    /// <summary>The native monitor's file name, beside `safeuse`.</summary>
    public const string FileName = "safeuse-monitor";

    /// <summary>The environment variable that, set to 0, keeps `monitor` in the .NET program (compiled just in time).</summary>
    public const string Switch = "SAFEUSE_NATIVE_MONITOR";

    /// <summary>The environment variable the launcher sets for `safeuse-app`, so that a launcher started in its place
    /// (a copy of or link to it) stops instead of starting it again for ever; `safeuse-app` clears it at start.</summary>
    public const string Launched = "SAFEUSE_LAUNCHED";

    /// <summary>
    /// Whether this machine runs x86-64-v3 code, which `safeuse-monitor` is compiled for (its scans are 32 bytes wide):
    /// CPUID must report AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE and OSXSAVE, and on Linux the kernel must list
    /// avx, avx2, fma and f16c among the CPU's flags, which it does only when it has turned on the AVX registers' state
    /// (what the native program's own start-up check reads from XCR0, which .NET cannot read). Read from the CPU
    /// whatever this code was compiled for: the launcher is compiled for the baseline CPU, where
    /// <c>Avx2.IsSupported</c> is false at compile time.
    /// </summary>
    public static bool CpuSupported { get; } = X86Base.IsSupported && ReadCpuId() && (!OperatingSystem.IsLinux() || KernelEnablesAvx(ReadKernelFlags()));

    private static bool ReadCpuId()
    {
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x8000_0000), 0);
        if (maxLeaf < 7 || (uint)maxExtended < 0x8000_0001) return false;
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        var (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        var (_, _, ecxExtended, _) = X86Base.CpuId(unchecked((int)0x8000_0001), 0);
        return CpuIdSaysV3(ecx1, ebx7, ecxExtended);
    }

    /// <summary>The x86-64-v3 bits of CPUID leaf 1's ECX, leaf 7's EBX and leaf 0x80000001's ECX.</summary>
    internal static bool CpuIdSaysV3(int ecx1, int ebx7, int ecxExtended)
    {
        static bool Bit(int register, int bit) => (register & (1 << bit)) != 0;
        return Bit(ecx1, 12) && Bit(ecx1, 22) && Bit(ecx1, 27) && Bit(ecx1, 28) && Bit(ecx1, 29) // FMA, MOVBE, OSXSAVE, AVX, F16C
            && Bit(ebx7, 3) && Bit(ebx7, 5) && Bit(ebx7, 8) // BMI1, AVX2, BMI2
            && Bit(ecxExtended, 5); // LZCNT
    }

    /// <summary>
    /// Whether a `flags : ...` line of /proc/cpuinfo has avx, avx2, fma and f16c: the features the kernel clears when
    /// the AVX state is not enabled (they depend on XSAVE). Not LZCNT's "abm", which some hypervisors leave out though
    /// CPUID has it.
    /// </summary>
    internal static bool KernelEnablesAvx(string? flagsLine)
    {
        if (flagsLine is null) return false;
        var colon = flagsLine.IndexOf(':');
        var flags = flagsLine[(colon + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "avx", "avx2", "fma", "f16c" }.All(flags.Contains);
    }

    /// <summary>The first CPU's flags line of /proc/cpuinfo, or null when it cannot be read.</summary>
    private static string? ReadKernelFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal)) return line;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
