using SafeUse.Platform.Cli;

// `safeuse monitor ...` goes to the monitor compiled ahead of time, when it is published beside this program and
// the CPU can run it; TryExec returns only if it did not (see NativeMonitor).
if (args is ["monitor", ..])
{
    NativeMonitor.TryExec(args);
}

// `safeuse monitor` never needs code generated at run time; saying so before anything starts stops YamlDotNet
// compiling a regular expression to IL (loading Reflection.Emit and JIT-compiling it), a sixth of a short run's start.
// Only for that command: the web application's libraries do use generated code.
if (SafeUseCli.InvokedCommand(args) == "monitor")
{
    AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
}

return await SafeUseCli.RunAsync(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
