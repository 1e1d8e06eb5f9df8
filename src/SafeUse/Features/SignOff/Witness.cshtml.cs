using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record WitnessOption(long Id, string Name, bool HasEmail);

/// <summary>
/// In-person signing on a shared device at school, witnessed by the signed-in colleague, for those within their
/// <see cref="Reach"/>. The witness chooses the person here, before any text is shown; the device then becomes the
/// locked signing screen (<see cref="WitnessLock"/>) until the witness confirms on <see cref="WitnessConfirmModel"/>.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class WitnessModel(AppDbContext db, CurrentUser current, SignInService signIn, SecondFactorService factors) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public List<WitnessOption> Outstanding { get; private set; } = [];
    public string WitnessName { get; private set; } = "";
    /// <summary>The witness can end the locked screen: they have a password or an authenticator app to prove it is them.</summary>
    public bool WitnessCanConfirm { get; private set; }

    [BindProperty] public long? PersonId { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (PersonId is not { } personId || Outstanding.All(o => o.Id != personId))
        {
            ModelState.AddModelError(nameof(PersonId), "Choose who is signing");
            return Page();
        }

        if (!WitnessCanConfirm)
        {
            // Only the witness's password or app code ends the locked screen: without either it could not be ended but by signing out.
            ModelState.AddModelError(nameof(PersonId), "Set up an authenticator app or a password before you witness a signature: handing back the device asks for one");
            return Page();
        }

        await WitnessLock.SetAsync(HttpContext, new WitnessLock(Policy.Id, Version.Id, personId, WitnessStage.Signing));
        return Redirect(WitnessLock.SigningPath);
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == id && v.Status == VersionStatus.Published, ct);
        if (policy is null || version is null || await Reach.OnAsync(current, policy, ct) is not { } reach)
        {
            return false;
        }

        Policy = policy;
        Version = version;
        var me = await current.PersonAsync(ct);
        WitnessName = me.FullName;
        WitnessCanConfirm = await signIn.HasPasswordAsync(me.Id, ct) || await factors.HasAppAsync(me.Id, ct);
        Outstanding = await (from r in db.SignOffRequests.AsNoTracking()
                             join p in reach.Filter(db.People.AsNoTracking()) on r.PersonId equals p.Id
                             where r.PolicyVersionId == version.Id && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query) && p.Id != me.Id
                             orderby p.Email != null, p.FamilyName, p.GivenName
                             select new WitnessOption(p.Id, p.GivenName + " " + p.FamilyName, p.Email != null)).ToListAsync(ct);
        return true;
    }
}
