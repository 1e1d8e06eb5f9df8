using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// The roles that must have a second factor: <see cref="SecondFactorService.RequiredRoles"/> always, and those the trust
/// adds here (for example IT leads, who see devices and monitoring). Trust administrators only; every change audited.
/// </summary>
[Authorize(Policy = AccessPolicies.TrustAdministrators)]
internal sealed class SecondFactorRolesModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    [BindProperty]
    public List<string> Selected { get; set; } = [];

    public IReadOnlyList<Role> Optional { get; } = Roles.All.Where(r => !SecondFactorService.RequiredRoles.Contains(r)).ToList();

    public HashSet<Role> Added { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Added = await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var before = await LoadAsync(ct);
        var wanted = Selected.Select(s => Roles.TryParse(s, out var r) ? r : (Role?)null).OfType<Role>().Where(Optional.Contains).ToHashSet();
        if (!wanted.SetEquals(before))
        {
            db.SecondFactorRoles.RemoveRange(await db.SecondFactorRoles.Where(x => x.TrustId == me.TrustId).ToListAsync(ct));
            db.SecondFactorRoles.AddRange(wanted.Select(r => new SecondFactorRole { TrustId = me.TrustId, Role = r }));
            audit.Record(db, await current.ActorAsync(ct), "trust.second-factor-roles", "trust", me.TrustId,
                wanted.Count == 0 ? "Only the standard roles must have a second factor" : "Roles that must also have a second factor: " + string.Join(", ", wanted.OrderBy(r => r).Select(r => r.Label())),
                before: before.OrderBy(r => r).Select(r => r.Code()).ToList(), after: wanted.OrderBy(r => r).Select(r => r.Code()).ToList());
            await db.SaveChangesAsync(ct);
        }

        TempData["Success"] = "Saved. People in these roles without a second factor are asked to set one up on their next page.";
        return RedirectToPage();
    }

    private async Task<HashSet<Role>> LoadAsync(CancellationToken ct)
    {
        var trustId = (await current.PersonAsync(ct)).TrustId;
        return (await db.SecondFactorRoles.AsNoTracking().Where(x => x.TrustId == trustId).Select(x => x.Role).ToListAsync(ct)).ToHashSet();
    }
}
