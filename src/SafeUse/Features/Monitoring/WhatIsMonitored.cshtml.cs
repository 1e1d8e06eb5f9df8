using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Monitoring;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

/// <summary>
/// "What is monitored", for every member of staff: in plain words, from each of their schools' own rules (so it can
/// never say something the engine does not do), what is looked for, when, about whom, and who sees the alerts.
/// Workers must be told how they are monitored. Shows no one's alerts and no search terms.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class WhatIsMonitoredModel(AppDbContext db, CurrentUser current, MonitoringIngest ingest, IncidentService incidents) : PageModel
{
    public List<SchoolMonitoring> Schools { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = current.PersonId!.Value;
        var schoolIds = await db.PersonSchools.AsNoTracking().Where(s => s.PersonId == me).Select(s => s.SchoolId).ToListAsync(ct);
        foreach (var school in await db.Schools.AsNoTracking().Where(s => schoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct))
        {
            var sources = await db.LogSources.AsNoTracking().Where(s => s.SchoolId == school.Id && s.Enabled).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
            var setup = await db.MonitoringSetups.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == school.Id, ct);
            if (sources.Count == 0 || string.IsNullOrWhiteSpace(setup?.RulesYaml) || string.IsNullOrWhiteSpace(setup.ListsPath))
            {
                Schools.Add(new SchoolMonitoring(school.Name, [], [], null));
                continue;
            }

            try
            {
                var lists = CategoryLists.Load(setup.ListsPath, ingest.ListCache);
                var rules = RuleSet.Parse(setup.RulesYaml, MonitoringIngest.RulesPath(setup.ListsPath), lists);
                var names = await incidents.LabelsAsync(school.Id, ct);
                Schools.Add(new SchoolMonitoring(school.Name, sources, rules.Rules.Select(r => Describe(r, rules, lists, names)).ToList(), null));
            }
            catch (MonitoringConfigException)
            {
                Schools.Add(new SchoolMonitoring(school.Name, sources, [], "The school's monitoring rules cannot be read at the moment, so nothing is being checked. The school's administrator has been shown why."));
            }
        }
    }

    /// <summary>One rule in words.</summary>
    internal static RuleWords Describe(Rule rule, RuleSet set, CategoryLists lists, RoleNames names)
    {
        var what = new List<string>();
        if (rule.Categories != UInt128.Zero)
        {
            what.Add("Visiting sites in these categories: " + string.Join(", ", Categories(rule.Categories, lists)));
        }

        if (rule.ExceptCategories != UInt128.Zero)
        {
            what.Add("(not counting " + string.Join(", ", Categories(rule.ExceptCategories, lists)) + ")");
        }

        if (rule.SearchTerms is { } terms)
        {
            what.Add($"Searching for any of {terms.Count} words or phrases on the school's list");
        }

        if (rule.BytesOver > 0)
        {
            what.Add($"Downloading more than {Size(rule.BytesOver)} in {Duration(rule.Within)}");
        }

        if (what.Count == 0)
        {
            what.Add("Every web request");
        }

        var who = rule.WhoAny ? "Everyone" : rule.WhoRoles.Count == 0 ? "Nobody named" : string.Join(", ", rule.WhoRoles.Select(Sentence));
        if (rule.WhoUnattributed)
        {
            who += (who.Length > 0 ? ", and " : "") + "requests SafeUse cannot link to a person (by the device's address only)";
        }

        var when = rule.PeriodIndex < 0 ? "At any time" : When(set.Periods[rule.PeriodIndex], set.Periods);
        var seen = rule.Notify.Count == 0 ? "The school's monitoring inbox"
            : string.Join(", ", rule.Notify.Select(n => Roles.TryParse(n, out var role) ? names[role] : Sentence(n.Replace('-', ' '))));
        return new RuleWords(string.Join(" ", what), who, when, seen, rule.Clause, rule.Severity.ToString().ToLowerInvariant());
    }

    private static IEnumerable<string> Categories(UInt128 bits, CategoryLists lists) =>
        lists.Names.Where((_, i) => (bits & (UInt128.One << i)) != UInt128.Zero);

    private static string When(Period p, IReadOnlyList<Period> all)
    {
        var parts = new List<string>();
        if (p.DayMask != 0x7F)
        {
            parts.Add(string.Join(", ", Enumerable.Range(0, 7).Select(d => (d + 1) % 7).Where(d => (p.DayMask & (1 << d)) != 0)
                .Select(d => CultureInfo.GetCultureInfo("en-GB").DateTimeFormat.GetDayName((DayOfWeek)d))));
        }

        if (p.FromMinute >= 0)
        {
            parts.Add($"from {Clock(p.FromMinute)} to {Clock(p.ToMinute)}");
        }

        if (p.Dates.Count > 0)
        {
            parts.Add(string.Join(", ", p.Dates.Select(d => d.From == d.To ? Platform.Web.Gov.Date(d.From) : $"{Platform.Web.Gov.Date(d.From)} to {Platform.Web.Gov.Date(d.To)}")));
        }

        if (p.Except.Count > 0)
        {
            parts.Add("except " + string.Join(", ", p.Except.Select(i => all[i].Name)));
        }

        return parts.Count == 0 ? "At any time" : Sentence(string.Join("; ", parts)) + $" (\"{p.Name}\")";
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static string Size(long bytes) => bytes >= 1_000_000_000 ? $"{bytes / 1e9:0.#} GB" : bytes >= 1_000_000 ? $"{bytes / 1e6:0.#} MB" : $"{bytes / 1e3:0.#} kB";

    private static string Duration(TimeSpan t) => t.TotalDays >= 1 && t.TotalDays % 1 == 0 ? (t.TotalDays == 1 ? "a day" : $"{t.TotalDays:0} days")
        : t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? (t.TotalHours == 1 ? "an hour" : $"{t.TotalHours:0} hours") : $"{t.TotalMinutes:0} minutes";

    private static string Sentence(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}

internal sealed record RuleWords(string What, string Who, string When, string SeenBy, string? Clause, string Severity);

internal sealed record SchoolMonitoring(string Name, IReadOnlyList<string> Sources, IReadOnlyList<RuleWords> Rules, string? Problem);
