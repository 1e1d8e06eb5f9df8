using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

/// <summary>
/// The locked signing screen of a witnessed signing (<see cref="WitnessLock"/>): the policy's text, its declaration
/// and the signing fields for the one person the witness chose, and a way to hand the device back. Signing here
/// records nothing yet: it hands back to the witness, whose confirmation writes the signature.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class WitnessSigningModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public Person Signer { get; private set; } = null!;
    public string WitnessName { get; private set; } = "";

    /// <summary>The version in force when it is no longer the one the witness chose.</summary>
    public string? ReplacedBy { get; private set; }

    [BindProperty] public bool Agreed { get; set; }
    [BindProperty] public string? TypedName { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostSignAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } elsewhere)
        {
            return elsewhere;
        }

        if (ReplacedBy is not null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        if (!Agreed)
        {
            ModelState.AddModelError(nameof(Agreed), "Tick the box to confirm you have read and agree to the policy");
        }

        if (!SignOffService.NamesMatch(TypedName, Signer.FullName))
        {
            ModelState.AddModelError(nameof(TypedName), string.IsNullOrWhiteSpace(TypedName) ? "Type your full name" : $"Type your full name as SafeUse has it: {Signer.FullName}");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var state = WitnessLock.Of(User)!;
        await WitnessLock.SetAsync(HttpContext, state with { Stage = WitnessStage.HandedBack, TypedName = TypedName!.Trim(), SignedAt = time.GetUtcNow().UtcDateTime });
        return Redirect(WitnessLock.ConfirmPath);
    }

    public async Task<IActionResult> OnPostHandBackAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } elsewhere)
        {
            return elsewhere;
        }

        await WitnessLock.SetAsync(HttpContext, WitnessLock.Of(User)! with { Stage = WitnessStage.HandedBack, TypedName = null, SignedAt = null });
        return Redirect(WitnessLock.ConfirmPath);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (WitnessLock.Of(User) is not { } state)
        {
            // Nothing is being signed in this session (the lock ended, or never began): home, not an error.
            return Redirect("/");
        }

        if (state.Stage != WitnessStage.Signing)
        {
            return Redirect(state.Screen);
        }

        Version = await db.PolicyVersions.AsNoTracking().FirstAsync(v => v.Id == state.VersionId, ct);
        Policy = await db.Policies.AsNoTracking().FirstAsync(p => p.Id == state.PolicyId, ct);
        Signer = await db.People.AsNoTracking().FirstAsync(p => p.Id == state.PersonId, ct);
        WitnessName = (await current.PersonAsync(ct)).FullName;
        if (Version.Status != VersionStatus.Published)
        {
            ReplacedBy = await db.PolicyVersions.AsNoTracking().Where(v => v.PolicyId == Policy.Id && v.Status == VersionStatus.Published).Select(v => v.Number).FirstOrDefaultAsync(ct) ?? "none";
        }

        return null;
    }
}
