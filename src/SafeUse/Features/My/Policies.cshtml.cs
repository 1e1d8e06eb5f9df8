using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.My;

internal sealed record SignedItem(long SignatureId, long PolicyId, long VersionId, string Title, string Number, DateTime SignedAt, bool Current);

internal sealed record OutstandingItem(long PolicyId, string Title, string Number, DateOnly DueOn, bool Overdue, bool Query);

/// <summary>Each signed-in person's own policies: what they have signed (with the exact text and the receipt) and what they still have to sign.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class PoliciesModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    public long MeId { get; private set; }
    public List<SignedItem> Signed { get; private set; } = [];
    public List<OutstandingItem> Outstanding { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        MeId = me.Id;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var open = await (from r in db.SignOffRequests.AsNoTracking()
                          join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                          join p in db.Policies.AsNoTracking() on r.PolicyId equals p.Id
                          where r.PersonId == me.Id && v.Status == VersionStatus.Published
                                && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query)
                          orderby r.DueOn, p.Title
                          select new { p.Id, p.Title, v.Number, r.DueOn, r.Status }).ToListAsync(ct);
        Outstanding = open.Select(o => new OutstandingItem(o.Id, o.Title, o.Number, o.DueOn, o.Status == RequestStatus.Outstanding && o.DueOn < today, o.Status == RequestStatus.Query)).ToList();

        var signed = await (from s in db.Signatures.AsNoTracking()
                            join v in db.PolicyVersions.AsNoTracking() on s.PolicyVersionId equals v.Id
                            join p in db.Policies.AsNoTracking() on s.PolicyId equals p.Id
                            where s.PersonId == me.Id
                            select new { s.Id, s.PolicyId, s.PolicyVersionId, p.Title, v.Number, s.SignedAt, Current = v.Status == VersionStatus.Published }).ToListAsync(ct);
        Signed = signed.OrderBy(s => s.Title, StringComparer.CurrentCultureIgnoreCase).ThenByDescending(s => s.SignedAt)
            .Select(s => new SignedItem(s.Id, s.PolicyId, s.PolicyVersionId, s.Title, s.Number, s.SignedAt, s.Current)).ToList();
    }
}
