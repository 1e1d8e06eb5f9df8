using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class CompareModel(AppDbContext db, CurrentUser current) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion From { get; private set; } = null!;
    public PolicyVersion To { get; private set; } = null!;
    public IHtmlContent Changes { get; private set; } = HtmlString.Empty;

    public async Task<IActionResult> OnGetAsync(long id, long from, long to, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var versions = await db.PolicyVersions.AsNoTracking().Where(v => v.PolicyId == id && (v.Id == from || v.Id == to)).ToListAsync(ct);
        if (policy is null || !PolicyAccess.CanSee(policy, await current.ScopeAsync(PolicyAccess.ReaderRoles, ct)) || versions.Count != (from == to ? 1 : 2))
        {
            return NotFound();
        }

        // A draft is work in progress: only those who manage the policy see it, here as on the policy page.
        if (versions.Any(v => v.Status == VersionStatus.Draft) && !PolicyAccess.CanSee(policy, await current.ScopeAsync(PolicyAccess.ManagerRoles, ct)))
        {
            return NotFound();
        }

        Policy = policy;
        From = versions.First(v => v.Id == from);
        To = versions.First(v => v.Id == to);
        Changes = Documents.PolicyStructure.Changes(From, To);
        return Page();
    }
}
