using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

internal sealed record InboxRow(Incident Incident, string School, string KindName, int OverdueActions, int OpenActions, DateTime? BreachDeadline, string RoutedAs);

/// <summary>One of the viewer's inboxes: a role (or line manager) they receive reports as, with how many are open.</summary>
internal sealed record RoleInbox(string Code, string Label, int Open);

/// <summary>
/// A handler's inbox: the incidents routed to them, with filters; reports nobody has acknowledged and those with
/// overdue actions first, then the oldest open. Restricted records are listed only for the two people who see them.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, IncidentService incidents, TimeProvider time) : PageModel
{
    public List<InboxRow> Rows { get; } = [];
    public DateTime Now { get; private set; }
    public List<(long Id, string Name)> Schools { get; private set; } = [];
    public List<ReportKind> Kinds => [.. ReportKinds.All];

    [BindProperty(SupportsGet = true)] public long? School { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }

    /// <summary>open (the default), closed or all.</summary>
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    /// <summary>Only those older than this many days.</summary>
    [BindProperty(SupportsGet = true)] public int? OlderThan { get; set; }

    /// <summary>A role code (or line manager): only the reports routed to the viewer as that.</summary>
    [BindProperty(SupportsGet = true)] public string? As { get; set; }

    /// <summary>The viewer's inboxes, one per role they receive reports as.</summary>
    public List<RoleInbox> Inboxes { get; } = [];

    /// <summary>me: those I acknowledged or own an open action on.</summary>
    [BindProperty(SupportsGet = true)] public string? Assigned { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Status is not (null or "" or "open" or "closed" or "all"))
        {
            ModelState.AddModelError(nameof(Status), "Status must be open, closed or all");
        }

        if (OlderThan is < 0 or > 3650)
        {
            ModelState.AddModelError(nameof(OlderThan), "Older than must be a number of days from 0 to 3650");
        }

        if (!string.IsNullOrEmpty(Kind) && ReportKinds.Find(Kind) is null)
        {
            ModelState.AddModelError(nameof(Kind), "Choose a kind from the list");
        }

        var me = current.PersonId!.Value;
        var now = Now = time.GetUtcNow().UtcDateTime;
        var visible = IncidentAccess.Visible(db, me).AsNoTracking();
        var schoolIds = await visible.Select(i => i.SchoolId).Distinct().ToListAsync(ct);
        Schools = (await db.Schools.AsNoTracking().Where(s => schoolIds.Contains(s.Id)).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .Select(s => (s.Id, s.Name)).ToList();
        var routedAs = await db.IncidentRecipients.AsNoTracking().Where(r => r.PersonId == me && r.NotifiedAt != null)
            .Join(visible, r => r.IncidentId, i => i.Id, (r, i) => new { r.IncidentId, r.Reason, Open = i.Status != IncidentStatus.Closed }).ToListAsync(ct);
        var names = Schools.Count == 1 ? await incidents.LabelsAsync(Schools[0].Id, ct) : new RoleNames(new Dictionary<People.Role, string>());
        Inboxes.AddRange(routedAs.GroupBy(r => r.Reason).Select(g => new RoleInbox(g.Key, names.Reason(g.Key), g.Count(r => r.Open))).OrderBy(b => b.Label, StringComparer.Ordinal));
        if (!string.IsNullOrEmpty(As) && !Inboxes.Any(b => b.Code == As))
        {
            ModelState.AddModelError(nameof(As), "Choose one of the roles you receive reports as");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var reasons = routedAs.ToDictionary(r => r.IncidentId, r => r.Reason);
        var q = visible;
        if (!string.IsNullOrEmpty(As))
        {
            q = q.Where(i => db.IncidentRecipients.Any(r => r.IncidentId == i.Id && r.PersonId == me && r.Reason == As));
        }

        q = (Status ?? "open") switch
        {
            "closed" => q.Where(i => i.Status == IncidentStatus.Closed),
            "all" => q,
            _ => q.Where(i => i.Status != IncidentStatus.Closed),
        };
        if (School is { } school)
        {
            q = q.Where(i => i.SchoolId == school);
        }

        if (!string.IsNullOrEmpty(Kind))
        {
            q = q.Where(i => i.Kind == Kind);
        }

        if (OlderThan is { } days)
        {
            var before = now.AddDays(-days);
            q = q.Where(i => i.CreatedAt <= before);
        }

        var list = await q.ToListAsync(ct);
        var ids = list.Select(i => i.Id).ToList();
        var open = await IncidentActions.OpenAsync(db, ids, ct);
        var today = DateOnly.FromDateTime(now);
        var schoolNames = Schools.ToDictionary(s => s.Id, s => s.Name);
        var kindNames = new Dictionary<long, List<KindAtSchool>>();
        foreach (var i in list)
        {
            if (Assigned == "me" && i.AcknowledgedById != me && !open.Any(a => a.IncidentId == i.Id && a.Owner == me))
            {
                continue;
            }

            if (!kindNames.TryGetValue(i.SchoolId, out var kinds))
            {
                kindNames[i.SchoolId] = kinds = await incidents.KindsAsync(i.SchoolId, ct);
            }

            var mine = open.Where(a => a.IncidentId == i.Id).ToList();
            Rows.Add(new InboxRow(i, schoolNames.GetValueOrDefault(i.SchoolId, ""), kinds.FirstOrDefault(k => k.Kind.Code == i.Kind)?.Setting.Name ?? i.Kind,
                mine.Count(a => a.OverdueOn(today)), mine.Count, i.AwareAt is { } aware && i.Status != IncidentStatus.Closed ? Calendar.BreachClock.Deadline(new DateTimeOffset(aware, TimeSpan.Zero)).UtcDateTime : null,
                Inboxes.FirstOrDefault(b => b.Code == reasons.GetValueOrDefault(i.Id))?.Label ?? ""));
        }

        Rows.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
        return Page();
    }

    /// <summary>Unacknowledged first, then overdue actions, then breaches by deadline, then the oldest.</summary>
    private static (int, int, DateTime, DateTime) Rank(InboxRow r) =>
        (r.Incident.AcknowledgedAt is null && r.Incident.Status != IncidentStatus.Closed ? 0 : 1, r.OverdueActions > 0 ? 0 : 1, r.BreachDeadline ?? DateTime.MaxValue, r.Incident.CreatedAt);
}
