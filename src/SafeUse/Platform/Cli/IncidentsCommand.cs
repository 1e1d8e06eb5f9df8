using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

/// <summary>
/// `safeuse incidents export`: a school's incidents for the server's operator (an inspection, a move of systems), with
/// the breach log's columns for breaches. Restricted records only when asked, and asking is on the audit trail.
/// </summary>
internal static class IncidentsCommand
{
    private static readonly string[] Headers =
    [
        "reference", "kind", "status", "created", "aware_at", "outcome", "reported_to_ico", "reasons", "ico_reference", "ico_reported_at",
        "categories", "people", "records", "consequences", "measures", "people_told", "why_not_told",
    ];

    public static Command Create()
    {
        var school = new Option<string>("--school") { Description = "The school: its name (any case) or its id.", Required = true };
        var kind = new Option<string?>("--kind") { Description = $"Only this kind: {string.Join(", ", ReportKinds.All.Select(k => k.Code))}." };
        var from = new Option<string?>("--from") { Description = "Reported on or after this day (yyyy-mm-dd, UK time)." };
        var to = new Option<string?>("--to") { Description = "Reported on or before this day (yyyy-mm-dd, UK time)." };
        var format = new Option<string>("--format") { Description = "csv (the default) or json.", DefaultValueFactory = _ => "csv" };
        var restricted = new Option<bool>("--include-restricted") { Description = "Include allegations and low-level concerns about staff; recorded on the audit trail." };
        var export = new Command("export", "Write a school's incidents to standard output, with the breach record's columns for personal-data breaches. Exit 2 naming a bad argument.")
        {
            school, kind, from, to, format, restricted,
        };
        export.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var fmt = parse.GetValue(format)?.Trim().ToLowerInvariant();
            if (fmt is not ("csv" or "json"))
            {
                throw new CliException($"--format: \"{parse.GetValue(format)}\" is not csv or json.");
            }

            var kindCode = parse.GetValue(kind)?.Trim().ToLowerInvariant();
            if (kindCode is not null && ReportKinds.Find(kindCode) is null)
            {
                throw new CliException($"--kind: \"{kindCode}\" is not a kind of report. Kinds: {string.Join(", ", ReportKinds.All.Select(k => k.Code))}.");
            }

            var fromDay = Day(parse.GetValue(from), "--from");
            var toDay = Day(parse.GetValue(to), "--to");
            if (fromDay > toDay)
            {
                throw new CliException($"--from {fromDay:yyyy-MM-dd} is after --to {toDay:yyyy-MM-dd}.");
            }

            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var key = parse.GetValue(school)!.Trim();
            var lowered = key.ToLowerInvariant();
            var id = long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
            var target = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id || s.Name.ToLower() == lowered, ct)
                ?? throw new CliException($"--school: no school has the name or id \"{key}\".");

            var zone = TimeZoneInfo.FindSystemTimeZoneById(School.DefaultTimeZone);
            var includeRestricted = parse.GetValue(restricted);
            var query = db.Incidents.AsNoTracking().Where(i => i.SchoolId == target.Id && (includeRestricted || !i.Restricted));
            if (kindCode is not null)
            {
                query = query.Where(i => i.Kind == kindCode);
            }

            if (fromDay is { } f)
            {
                var start = TimeZoneInfo.ConvertTimeToUtc(f.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
                query = query.Where(i => i.CreatedAt >= start);
            }

            if (toDay is { } t)
            {
                var end = TimeZoneInfo.ConvertTimeToUtc(t.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
                query = query.Where(i => i.CreatedAt < end);
            }

            var incidents = await query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).ToListAsync(ct);
            var ids = incidents.Select(i => i.Id).ToList();
            var breaches = (await db.IncidentEntries.AsNoTracking().Where(e => ids.Contains(e.IncidentId) && e.Type == EntryTypes.Breach).ToListAsync(ct))
                .GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => Breach.Parse(g.OrderBy(e => e.At).ThenBy(e => e.Id).Last()));
            var rows = incidents.Select(i => Cells(i, breaches.GetValueOrDefault(i.Id))).ToList();

            if (includeRestricted)
            {
                var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
                audit.Record(db, Actor.System, "incidents.exported-restricted", "school", target.Id,
                    $"Incidents of {target.Name} exported from the command line, restricted records included ({incidents.Count(i => i.Restricted)})", schoolId: target.Id);
                await db.SaveChangesAsync(ct);
            }

            var output = new StringBuilder();
            if (fmt == "csv")
            {
                Web.Csv.Row(output, Headers);
                foreach (var row in rows)
                {
                    Web.Csv.Row(output, row);
                }
            }
            else
            {
                output.Append(JsonSerializer.Serialize(rows.Select(r => Headers.Zip(r).ToDictionary(p => p.First, p => p.Second)), new JsonSerializerOptions { WriteIndented = true }))
                    .Append('\n');
            }

            Console.Out.Write(output.ToString());
            return 0;
        }));
        return new Command("incidents", "Reports and incidents.") { export };
    }

    private static DateOnly? Day(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new CliException($"{option}: \"{text}\" is not a date like 2026-09-01.");

    private static string?[] Cells(Incident i, BreachRecord? b) =>
    [
        i.Reference, i.Kind, Breach.StatusWords(i.Status), Breach.UkTime(i.CreatedAt), Breach.UkTime(i.AwareAt), i.Outcome,
        b is null ? null : b.Reported ? "yes" : "no", b?.Reasons, b?.IcoReference, Breach.UkTime(b?.IcoReportedAt),
        b?.Categories, b?.People.ToString(CultureInfo.InvariantCulture), b?.Records.ToString(CultureInfo.InvariantCulture), b?.Consequences, b?.Measures,
        b is null ? null : b.PeopleTold ? "yes" : "no", b?.WhyNotTold,
    ];
}
