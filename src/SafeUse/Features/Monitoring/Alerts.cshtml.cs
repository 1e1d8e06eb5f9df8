using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

/// <summary>
/// A school's alerts, newest first: when, who (or the unattributed IP), the rule and clause, severity, state and how
/// many hits. The URL and search text are not shown here but on each alert's own page, whose openings are audited. Alerts about the
/// reader themself are never listed to them.
/// </summary>
[Authorize(Policy = MonitoringAccess.AlertReaders)]
internal sealed class AlertsModel(AppDbContext db, CurrentUser current) : PageModel
{
    public const int PageSize = 200;

    [BindProperty(SupportsGet = true)]
    public long SchoolId { get; set; }

    public School School { get; private set; } = null!;
    public List<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }

    internal sealed record Row(long Id, DateTime FirstAt, DateTime LastAt, string Who, string RuleId, string? Clause, string Severity, AlertState State, int Count);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await MonitoringSchools.FindAsync(db, current, MonitoringAccess.AlertReaderRoles, SchoolId, ct) is not { } school)
        {
            return NotFound();
        }

        School = school;
        // Nobody sees alerts about themselves (an alert about the DSL is for the Head, not the DSL).
        var me = current.PersonId;
        var query = db.Alerts.AsNoTracking().Where(a => a.SchoolId == SchoolId && (a.PersonId == null || a.PersonId != me));
        Total = await query.CountAsync(ct);
        var alerts = await query.OrderByDescending(a => a.LastAt).ThenByDescending(a => a.Id).Take(PageSize)
            .Select(a => new
            {
                a.Id, a.FirstAt, a.LastAt, a.RuleId, a.Clause, a.Severity, a.State, a.Count, a.Ip, a.UserName,
                Staff = db.People.Where(p => p.Id == a.PersonId).Select(p => p.GivenName + " " + p.FamilyName).FirstOrDefault(),
                Pupil = db.Pupils.Where(p => p.Id == a.PupilId).Select(p => (p.PreferredGivenName ?? p.LegalGivenName) + " " + (p.PreferredFamilyName ?? p.LegalFamilyName)).FirstOrDefault(),
            }).ToListAsync(ct);
        Rows = alerts.Select(a => new Row(a.Id, a.FirstAt, a.LastAt,
            a.Staff ?? (a.Pupil is null ? $"Unattributed ({a.UserName ?? a.Ip ?? "no address"})" : $"{a.Pupil} (pupil)"),
            a.RuleId, a.Clause, a.Severity, a.State, a.Count)).ToList();
        return Page();
    }

    public static string StateName(AlertState s) => s switch
    {
        AlertState.New => "New",
        AlertState.Acknowledged => "Acknowledged",
        AlertState.FalsePositive => "False positive",
        AlertState.Escalated => "Escalated",
        AlertState.Resolved => "Resolved",
        _ => s.ToString(),
    };
}
