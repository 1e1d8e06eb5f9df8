using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record QueryItem(PolicyQuery Query, string Name);

/// <summary>
/// The policy's managers, and its owner (the named person, or a holder of the owner role such as the DSL or DPO), read
/// and answer staff questions raised instead of signing: the owner is who the questions are emailed to.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class QueriesModel(AppDbContext db, CurrentUser current, SignOffService signOff) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public List<QueryItem> Items { get; private set; } = [];

    [BindProperty] public long QueryId { get; set; }
    [BindProperty] public string? Answer { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || Items.All(i => i.Query.Id != QueryId))
        {
            return NotFound();
        }

        if (await signOff.AnswerQueryAsync(QueryId, Answer, await current.ActorAsync(ct), ct) is { } error)
        {
            ModelState.AddModelError("", error);
            return Page();
        }

        TempData["Success"] = "Answer sent.";
        return Redirect($"/policies/{id}/queries");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return false;
        }

        var scope = await current.ScopeAsync(PolicyAccess.ManagerRoles, ct);
        if (!PolicyAccess.CanSee(policy, scope))
        {
            // The owner reads the questions they are sent: a named owner all of them, an owner role those from its schools.
            if (policy.OwnerPersonId is { } ownerId && ownerId == current.PersonId)
            {
                scope = new SchoolScope(true, new HashSet<long>());
            }
            else if (policy.OwnerPersonId is null && policy.OwnerRole is { } role && PolicyAccess.QueryOwnerRoles.Contains(role))
            {
                scope = await current.ScopeAsync([role], ct);
                if (!PolicyAccess.CanSee(policy, scope))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        Policy = policy;
        var schoolIds = scope.SchoolIds.ToList();
        Items = (await (from q in db.PolicyQueries.AsNoTracking()
                        join p in db.People.AsNoTracking() on q.PersonId equals p.Id
                        where q.PolicyId == id && (scope.AllSchools || p.Schools.Any(s => schoolIds.Contains(s.SchoolId)))
                        orderby q.AskedAt descending
                        select new { q, Name = p.GivenName + " " + p.FamilyName }).ToListAsync(ct)).Select(x => new QueryItem(x.q, x.Name)).ToList();
        return true;
    }
}
