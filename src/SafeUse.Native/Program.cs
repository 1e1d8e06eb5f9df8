using System.CommandLine;
using SafeUse.Monitoring;
using SafeUse.Native;

// `safeuse monitor ...` is run here; anything else is the web application's (see SafeUse.Native.csproj). Only the
// documented form, with `monitor` first, is run natively: options before it (`safeuse --data-dir d monitor ...`)
// go to the web application's command line, which has `monitor` too, so every form works.
if (args.Length > 0 && args[0] == "monitor")
{
    var root = new RootCommand("SafeUse: monitoring of web filter, proxy and DNS logs.") { MonitorCommand.Create() };
    return await root.Parse(args).InvokeAsync();
}

return WebApplicationHost.Exec(args);
