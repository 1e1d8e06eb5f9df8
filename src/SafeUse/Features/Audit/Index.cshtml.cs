using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Audit;

/// <summary>
/// Trust-wide administrators, executive leaders and DPOs see every event; a Head sees the events of their own schools.
/// </summary>
[Authorize(Policy = AccessPolicies.AuditReaders)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public List<AuditEvent> Events { get; private set; } = [];
    public AuditVerification? Verification { get; private set; }

    public string OlderLink => $"/audit?action={Uri.EscapeDataString(Action ?? "")}&actor={Uri.EscapeDataString(Actor ?? "")}&from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}&before={Events.LastOrDefault()?.Seq}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync(AccessPolicies.AuditReaderRoles, ct);
        var query = db.AuditEvents.AsNoTracking().Where(e => scope.AllSchools || (e.SchoolId != null && scope.SchoolIds.Contains(e.SchoolId.Value)));
        if (!string.IsNullOrWhiteSpace(Action))
        {
            query = query.Where(e => EF.Functions.Like(e.Action, DatabaseProvider.LikePattern(Action), "\\"));
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            query = query.Where(e => EF.Functions.Like(e.ActorName.ToLower(), DatabaseProvider.LikePattern(Actor), "\\"));
        }

        if (From is { } from)
        {
            var f = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.At >= f);
        }

        if (To is { } to)
        {
            var t = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.At < t);
        }

        if (Before is { } before)
        {
            query = query.Where(e => e.Seq < before);
        }

        Events = await query.OrderByDescending(e => e.Seq).Take(PageSize).ToListAsync(ct);
        if (scope.AllSchools && await current.HasAnyAsync([Role.Administrator], ct))
        {
            Verification = await AuditChain.VerifyAsync(db, ct);
        }
    }
}
