using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Monitoring;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

/// <summary>
/// `safeuse monitor ingest`: reads every enabled log source once (or one school's), as the web app does every few
/// minutes, for cron. Added to the library's `monitor` command from the web app's side, since it needs the database.
/// </summary>
internal static class MonitorIngestCommand
{
    public static Command Create()
    {
        var school = new Option<string?>("--school") { Description = "Only this school: its name (any case) or its id." };
        var ingest = new Command("ingest", "Read each enabled log source from where it stopped and store its alerts. Exit 1 when a source failed, 2 on a bad argument.") { school };
        ingest.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            long? schoolId = null;
            if (parse.GetValue(school)?.Trim() is { Length: > 0 } key)
            {
                var lowered = key.ToLowerInvariant();
                var id = long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
                schoolId = await db.Schools.AsNoTracking().Where(s => s.Id == id || s.Name.ToLower() == lowered).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct)
                    ?? throw new CliException($"--school: no school has the name or id \"{key}\".");
            }

            var results = await scope.ServiceProvider.GetRequiredService<MonitoringIngest>().IngestAllAsync(schoolId, ct);
            if (results.Count == 0)
            {
                Console.Out.WriteLine("No enabled log sources.");
                return 0;
            }

            foreach (var r in results)
            {
                Console.Out.WriteLine(r.Busy
                    ? $"{r.Name} (source {r.SourceId}): being read by another ingest; skipped"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{r.Name} (source {r.SourceId}): {r.LinesRead} lines read, {r.LinesSkipped} skipped, {r.AlertsRaised} new alerts, {r.HitsAdded} hits added to open alerts, {r.LinesPerSecond:F0} lines/s"));
                if (r.Error is not null)
                {
                    Console.Error.WriteLine($"{r.Name} (source {r.SourceId}): error: {r.Error}");
                }
            }

            return results.Any(r => r.Error is not null) ? 1 : 0;
        }));
        return ingest;
    }
}
