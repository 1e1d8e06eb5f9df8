using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

/// <summary>
/// One policy in one school. Outstanding, Overdue and Queries never overlap, as on the register: outstanding is not
/// signed and not yet due, overdue is not signed and past due, a query is waiting for an answer.
/// </summary>
internal sealed record DashboardRow(long PolicyId, string Title, string? Version, string School, int Signed, int Outstanding, int Overdue, int Queries, DateOnly? OldestDue, string? NextReview, bool ReviewOverdue)
{
    private int Asked => Signed + Outstanding + Overdue + Queries;

    public int Percent => Asked == 0 ? 0 : (int)Math.Round(100.0 * Signed / Asked);
}

internal sealed record ReviewDue(string Title, DateOnly Due, bool Overdue);

/// <summary>The trust dashboard: completion per policy and school, the oldest outstanding request, reviews due.</summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    public List<DashboardRow> Rows { get; } = [];
    public List<ReviewDue> ReviewsDue { get; } = [];
    public bool CanCreate { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        CanCreate = await current.HasAnyAsync(PolicyAccess.ManagerRoles, ct);
        var scope = await current.ScopeAsync(PolicyAccess.ListReaderRoles, ct);
        var schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var schoolIds = schools.Select(s => s.Id).ToList();
        var policies = await db.Policies.AsNoTracking().Include(p => p.Schools).OrderBy(p => p.Title).ToListAsync(ct);

        // One grouped query for all counts: status by policy and school, with the earliest due date still open.
        var counts = await (from r in db.SignOffRequests.AsNoTracking()
                            join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                            join m in db.PersonSchools.AsNoTracking() on r.PersonId equals m.PersonId
                            where v.Status == VersionStatus.Published && schoolIds.Contains(m.SchoolId)
                            group r by new { r.PolicyId, m.SchoolId, r.Status, Overdue = r.DueOn < today } into g
                            select new { g.Key.PolicyId, g.Key.SchoolId, g.Key.Status, g.Key.Overdue, Count = g.Count(), Oldest = g.Min(x => x.DueOn) }).ToListAsync(ct);
        var versions = await db.PolicyVersions.AsNoTracking().Where(v => v.Status == VersionStatus.Published).ToDictionaryAsync(v => v.PolicyId, v => v.Number, ct);

        foreach (var policy in policies.Where(p => PolicyAccess.CanSee(p, scope)))
        {
            var inScope = policy.Scope == PolicyScope.Trust ? schools : schools.Where(s => policy.Schools.Any(ps => ps.SchoolId == s.Id)).ToList();
            if (policy.NextReviewOn is { } next && next <= today.AddDays(SignOffScheduler.ReviewNoticeDays))
            {
                ReviewsDue.Add(new(policy.Title, next, next < today));
            }

            foreach (var school in inScope)
            {
                var c = counts.Where(x => x.PolicyId == policy.Id && x.SchoolId == school.Id).ToList();
                int Count(RequestStatus s, bool? overdue = null) => c.Where(x => x.Status == s && (overdue is null || x.Overdue == overdue)).Sum(x => x.Count);
                var oldest = c.Where(x => x.Status == RequestStatus.Outstanding).Select(x => (DateOnly?)x.Oldest).Min();
                Rows.Add(new DashboardRow(policy.Id, policy.Title, versions.GetValueOrDefault(policy.Id), school.Name,
                    Count(RequestStatus.Signed), Count(RequestStatus.Outstanding, false), Count(RequestStatus.Outstanding, true), Count(RequestStatus.Query), oldest,
                    policy.NextReviewText ?? Gov(policy.NextReviewOn), policy.NextReviewOn < today));
            }
        }
    }

    private static string? Gov(DateOnly? d) => Platform.Web.Gov.Date(d) is { Length: > 0 } s ? s : null;
}
