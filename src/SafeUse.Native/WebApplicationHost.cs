using System.Runtime.InteropServices;

namespace SafeUse.Native;

/// <summary>Hands the command to the web application: replaces this process with `safeuse-app` (its .NET host).</summary>
internal static partial class WebApplicationHost
{
    /// <summary>The web application's host, published beside this program.</summary>
    public const string FileName = "safeuse-app";

    /// <summary>Replaces this process with the web application given <paramref name="args"/>; returns only on failure.</summary>
    public static int Exec(string[] args)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"safeuse: {path} is missing; publish the whole program (dotnet publish src/SafeUse -r linux-x64).");
            return 1;
        }

        // The same process (its id, standard streams, signals and exit code) becomes the web application.
        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(path);
        for (var i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        execv(path, argv);
        var error = Marshal.GetLastPInvokeError();
        Console.Error.WriteLine($"safeuse: could not start {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execv(string path, nint[] argv);
}
