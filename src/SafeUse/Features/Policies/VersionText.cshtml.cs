using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

/// <summary>
/// The full text of one published version, current or replaced, as it was signed: for those who read the policy's
/// register in their schools and for anyone ever asked to sign it. A draft is only for those who may edit it, on its
/// own page.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class VersionTextModel(AppDbContext db, CurrentUser current) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public PolicyVersion? Current { get; private set; }
    public bool IsReader { get; private set; }
    public bool WasAsked { get; private set; }
    public Signature? MySignature { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, long versionId, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId && v.PolicyId == id, ct);
        if (policy is null || version is null)
        {
            return NotFound();
        }

        if (version.Status == VersionStatus.Draft)
        {
            // Work in progress: those who may edit it read it where they edit it; to anyone else it does not exist.
            return PolicyAccess.CanManage(policy, await current.ScopeAsync(PolicyAccess.ManagerRoles, ct))
                ? Redirect($"/policies/{id}/versions/{versionId}")
                : NotFound();
        }

        var me = await current.PersonAsync(ct);
        IsReader = PolicyAccess.CanSee(policy, await current.ScopeAsync(PolicyAccess.ReaderRoles, ct));
        WasAsked = await db.SignOffRequests.AnyAsync(r => r.PolicyId == id && r.PersonId == me.Id, ct);
        if (!IsReader && !WasAsked)
        {
            return NotFound();
        }

        Policy = policy;
        Version = version;
        Current = version.Status == VersionStatus.Published ? version
            : await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == id && v.Status == VersionStatus.Published, ct);
        MySignature = await db.Signatures.AsNoTracking().Where(s => s.PolicyVersionId == versionId && s.PersonId == me.Id).OrderByDescending(s => s.SignedAt).FirstOrDefaultAsync(ct);
        return Page();
    }
}
