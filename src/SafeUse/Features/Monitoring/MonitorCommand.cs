using System.CommandLine;

namespace SafeUse.Features.Monitoring;

/// <summary>`safeuse monitor ...`: the monitoring engine on the command line.</summary>
internal static class MonitorCommand
{
    public static Command Create()
    {
        var monitor = new Command("monitor", "Read web filter, proxy and DNS logs and apply the AUP's rules.");
        return monitor;
    }
}
