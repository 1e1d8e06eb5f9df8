using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Audit;

/// <summary>
/// Trust-wide administrators, executive leaders and DPOs see every event; a Head sees the events of their own schools
/// and of the people in them.
/// </summary>
[Authorize(Policy = AccessPolicies.AuditReaders)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public DateParts FromParts { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "to")]
    public DateParts ToParts { get; set; } = new();

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    /// <summary>The actions recorded in the reader's scope, for the action filter's list.</summary>
    public List<string> Actions { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public List<AuditEvent> Events { get; private set; } = [];
    public AuditVerification? Verification { get; private set; }

    public string OlderLink => $"/audit?action={Uri.EscapeDataString(Action ?? "")}&actor={Uri.EscapeDataString(Actor ?? "")}{DateQuery("from", From)}{DateQuery("to", To)}&before={Events.LastOrDefault()?.Seq}";

    private static string DateQuery(string name, DateOnly? date) =>
        date is { } d ? FormattableString.Invariant($"&{name}.Day={d.Day}&{name}.Month={d.Month}&{name}.Year={d.Year}") : "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync(AccessPolicies.AuditReaderRoles, ct);
        // A Head reads their schools' events: those recorded against a school, and those with no school that were
        // done by, or concern, someone who belongs to one of their schools (signing, questions, sign-in, a role given).
        var ids = scope.SchoolIds.ToList();
        var all = scope.AllSchools;
        var query = db.AuditEvents.AsNoTracking().Where(e => all
            || (e.SchoolId != null && ids.Contains(e.SchoolId.Value))
            || (e.SchoolId == null && e.ActorPersonId != null && db.PersonSchools.Any(ps => ps.PersonId == e.ActorPersonId && ids.Contains(ps.SchoolId)))
            || (e.SchoolId == null && e.EntityType == "person" && db.PersonSchools.Any(ps => ps.PersonId.ToString() == e.EntityId && ids.Contains(ps.SchoolId))));
        Actions = await query.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);

        // A filter that cannot be read is said so, and nothing is shown, rather than quietly showing everything.
        From = GovDate.Check(ModelState, "from", "From date", FromParts.Day, FromParts.Month, FromParts.Year, DateShape.Exact).Value;
        To = GovDate.Check(ModelState, "to", "To date", ToParts.Day, ToParts.Month, ToParts.Year, DateShape.Exact).Value;
        if (From is { } start && To is { } end && end < start)
        {
            ModelState.AddModelError("to.Day", "To date must be the same as or after the from date");
        }

        if (!ModelState.IsValid)
        {
            return;
        }

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
