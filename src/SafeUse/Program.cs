using System.CommandLine;
using SafeUse.Features.Monitoring;

var root = new RootCommand("SafeUse: runs a school's or trust's staff ICT acceptable use policy.");
root.Subcommands.Add(MonitorCommand.Create());
return await root.Parse(args).InvokeAsync();

public partial class Program;
