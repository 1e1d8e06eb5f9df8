using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

/// <summary>
/// One alert with everything it holds, the address visited and the search text included. Every opening is on the audit
/// trail (who, which alert; never the address or words), because these are what a person looked at or searched for.
/// Someone the alert is about never opens it (404, as for an alert that does not exist).
/// </summary>
[Authorize(Policy = MonitoringAccess.AlertReaders)]
internal sealed class AlertModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long SchoolId { get; set; }

    [BindProperty(SupportsGet = true)]
    public long AlertId { get; set; }

    public School School { get; private set; } = null!;
    public Alert Alert { get; private set; } = null!;
    public string Who { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = current.PersonId;
        if (await MonitoringSchools.FindAsync(db, current, MonitoringAccess.AlertReaderRoles, SchoolId, ct) is not { } school
            || await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == AlertId && a.SchoolId == SchoolId && (a.PersonId == null || a.PersonId != me), ct) is not { } alert)
        {
            return NotFound();
        }

        School = school;
        Alert = alert;
        var staff = alert.PersonId is { } pid ? await db.People.AsNoTracking().Where(p => p.Id == pid).Select(p => p.GivenName + " " + p.FamilyName).FirstOrDefaultAsync(ct) : null;
        var pupil = alert.PupilId is { } uid ? await db.Pupils.AsNoTracking().Where(p => p.Id == uid).Select(p => (p.PreferredGivenName ?? p.LegalGivenName) + " " + (p.PreferredFamilyName ?? p.LegalFamilyName)).FirstOrDefaultAsync(ct) : null;
        Who = staff ?? (pupil is null ? $"Unattributed ({alert.UserName ?? alert.Ip ?? "no address"})" : $"{pupil} (pupil)");
        audit.Record(db, await current.ActorAsync(ct), "monitoring.alert-viewed", "alert", alert.Id,
            $"Opened monitoring alert {alert.Id} (rule {alert.RuleId}), its address and search text shown", schoolId: SchoolId);
        await db.SaveChangesAsync(ct);
        return Page();
    }
}
