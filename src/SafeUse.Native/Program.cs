using System.CommandLine;
using SafeUse.Monitoring;

// `safeuse-monitor monitor ...`, as the `safeuse` launcher hands it over (the arguments unchanged). The web
// application's database options are accepted, as its command line accepts them before or after any command, and
// unused: a monitoring run has no database.
var root = new RootCommand("SafeUse: monitoring of web filter, proxy and DNS logs.") { MonitorCommand.Create(native: true) };
foreach (var name in new[] { "--database-provider", "--connection-string", "--data-dir" })
    root.Options.Add(new Option<string?>(name) { Recursive = true, Hidden = true });
return await root.Parse(args).InvokeAsync();
