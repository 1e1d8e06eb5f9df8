using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace SafeUse.Platform.Cli;

/// <summary>
/// `safeuse monitor ...` in a published installation on 64-bit Linux: the run is handed to `safeuse-monitor`, the
/// same command compiled ahead of time (src/SafeUse.Native), by replacing this process with it (exec), so its
/// arguments, standard streams, signals and exit code are the run's own. Where it cannot run (not there, another
/// CPU or system, or SAFEUSE_NATIVE_MONITOR=0) the command runs here, compiled just in time, with the same results.
/// </summary>
internal static partial class NativeMonitor
{
    /// <summary>The program, published beside this one.</summary>
    public const string FileName = "safeuse-monitor";

    /// <summary>Set to 0 to run `monitor` in this process.</summary>
    public const string Switch = "SAFEUSE_NATIVE_MONITOR";

    /// <summary>Whether the CPU has what `safeuse-monitor` is compiled for (x86-64-v3: AVX2 and its companions); without it the program cannot start.</summary>
    public static bool CpuSupported =>
        Avx2.IsSupported && Fma.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Lzcnt.IsSupported;

    /// <summary>Replaces this process with `safeuse-monitor` given <paramref name="args"/>; returns when it cannot.</summary>
    public static void TryExec(string[] args)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (Environment.GetEnvironmentVariable(Switch) == "0" || !CpuSupported) return;
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path)) return; // not published (dotnet run, tests) or published with -p:SafeUseNativeMonitor=false

        // argv[0] "safeuse": the name its help and messages give the program.
        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8("safeuse");
        for (var i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        execv(path, argv);
        var error = Marshal.GetLastPInvokeError();
        for (var i = 0; i < args.Length + 1; i++) Marshal.FreeCoTaskMem(argv[i]);
        Console.Error.WriteLine($"safeuse: could not start {path} ({Marshal.GetPInvokeErrorMessage(error)}); running the monitor in this process");
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execv(string path, nint[] argv);
}
