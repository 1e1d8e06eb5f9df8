using SafeUse.Monitoring;
using SafeUse.Platform.Cli;

// Published for 64-bit Linux, this program is `safeuse-app`, started by the `safeuse` launcher (src/SafeUse.Launcher),
// which gives `safeuse monitor ...` to the native monitor where it can run; a `monitor` run here is compiled just in
// time, with the same results.
//
// The launcher marks the environment it starts this program with (so that a launcher started in its place stops);
// programs this one starts do not inherit the mark.
Environment.SetEnvironmentVariable(NativeMonitor.Launched, null);

// `safeuse monitor` never needs code generated at run time; saying so before anything starts stops YamlDotNet
// compiling a regular expression to IL (loading Reflection.Emit and JIT-compiling it), a sixth of a short run's start.
// Only for that command: the web application's libraries do use generated code (and `monitor ingest` uses them).
if (SafeUseCli.InvokedCommand(args) == "monitor" && args.SkipWhile(a => a != "monitor").Skip(1).FirstOrDefault() != "ingest")
{
    AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
}

return await SafeUseCli.RunAsync(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
