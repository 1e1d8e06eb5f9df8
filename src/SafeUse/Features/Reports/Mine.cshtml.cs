using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Reports;

internal sealed record MyReport(string Reference, string KindName, DateTime MadeAt, IncidentStatus Status, IReadOnlyList<string> Files);

/// <summary>The reports a person made: reference, kind and where each stands; never what handlers wrote.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class MineModel(AppDbContext db, CurrentUser current, IncidentService incidents) : PageModel
{
    public List<MyReport> Reports { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = current.PersonId!.Value;
        var rows = await db.Incidents.AsNoTracking().Where(i => i.ReporterId == me).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var ids = rows.Select(i => i.Id).ToList();
        // The names of the files the reporter sent with the report; files handlers added stay with the handlers.
        var files = (await (from a in db.IncidentAttachments.AsNoTracking()
                            join e in db.IncidentEntries.AsNoTracking() on a.EntryId equals e.Id
                            where ids.Contains(a.IncidentId) && e.Type == EntryTypes.Report && a.AddedById == me
                            orderby a.Id
                            select new { a.IncidentId, a.FileName }).ToListAsync(ct))
            .ToLookup(f => f.IncidentId, f => f.FileName);
        var names = new Dictionary<long, List<KindAtSchool>>();
        foreach (var i in rows)
        {
            if (!names.TryGetValue(i.SchoolId, out var kinds))
            {
                names[i.SchoolId] = kinds = await incidents.KindsAsync(i.SchoolId, ct);
            }

            Reports.Add(new MyReport(i.Reference, kinds.FirstOrDefault(k => k.Kind.Code == i.Kind)?.Setting.Name ?? i.Kind, i.CreatedAt, i.Status, files[i.Id].ToList()));
        }
    }

    public static string Words(IncidentStatus status) => status switch
    {
        IncidentStatus.Received => "Received",
        IncidentStatus.BeingLookedAt => "Being looked at",
        _ => "Closed",
    };
}
