using System.Runtime.InteropServices;
using SafeUse.Launcher;
using SafeUse.Monitoring;

// `safeuse ...` in a published installation on 64-bit Linux. This process is replaced (exec) by the program that
// runs the command, so its arguments, standard streams, signals, process id and exit code are that program's:
// `safeuse monitor ...` by `safeuse-monitor` when it is there, the CPU runs it and SAFEUSE_NATIVE_MONITOR is not 0;
// everything else, and `monitor` where the native monitor cannot run, by `safeuse-app` (the web application and its
// command line, compiled just in time; its `monitor` gives the same results). Both are found beside this program's
// real file, so a symbolic link to it (/usr/local/bin/safeuse) works.
var dir = AppContext.BaseDirectory;
var app = Path.Combine(dir, Exec.App);
if (Environment.GetEnvironmentVariable(NativeMonitor.Launched) is not null)
{
    // safeuse-app started this launcher again: it is a copy of or link to it, not the web application's program.
    Console.Error.WriteLine($"safeuse: {app} is not the web application's program (it started {Environment.ProcessPath} again); publish SafeUse again");
    return 1;
}

// `monitor ingest` needs the database, which only the web application's program has.
if (args is ["monitor", ..] and not [_, "ingest", ..] && Environment.GetEnvironmentVariable(NativeMonitor.Switch) != "0" && NativeMonitor.CpuSupported)
{
    var monitor = Path.Combine(dir, NativeMonitor.FileName);
    if (File.Exists(monitor))
    {
        var error = Exec.Replace(monitor, args);
        Console.Error.WriteLine($"safeuse: could not start {monitor} ({error}); running the monitor in {Exec.App}");
    }
}

Exec.MarkLaunched();
Console.Error.WriteLine($"safeuse: could not start {app} ({Exec.Replace(app, args)})");
return 1;

namespace SafeUse.Launcher
{
    internal static partial class Exec
    {
        /// <summary>The web application's .NET program (its apphost, renamed when this launcher took its name).</summary>
        public const string App = "safeuse-app";

        /// <summary>Sets <see cref="NativeMonitor.Launched"/> in the environment the exec passes on (.NET's own copy of the environment
        /// is not the one exec passes).</summary>
        public static void MarkLaunched() => setenv(NativeMonitor.Launched, "1", 1);

        /// <summary>Replaces this process with <paramref name="path"/> given <paramref name="args"/>, named "safeuse"
        /// (the name its help and messages use); returns only when that failed, with the system's reason.</summary>
        public static string Replace(string path, string[] args)
        {
            var argv = new string?[args.Length + 2]; // null-terminated
            argv[0] = "safeuse";
            args.CopyTo(argv, 1);
            execv(path, argv);
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
        private static partial int setenv(string name, string value, int overwrite);

        [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int execv(string path, string?[] argv);
    }
}
