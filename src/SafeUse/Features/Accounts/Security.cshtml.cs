using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Sign-in and security: whether the person has a second factor, and (with a current code or a recovery code, so an
/// open session alone is not enough) new recovery codes or removing the factor, which is refused when a role needs it.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SecurityModel(SecondFactorService factors, SignInService signIn, CurrentUser current, AppDbContext db) : PageModel
{
    [BindProperty]
    public string? RegenerateCode { get; set; }

    [BindProperty]
    public string? RemoveCode { get; set; }

    public bool HasFactor { get; private set; }
    public bool Required { get; private set; }
    public bool HasPassword { get; private set; }
    public int CodesLeft { get; private set; }

    /// <summary>Their Microsoft or Google accounts linked for single sign-on (an administrator removes one).</summary>
    public List<ExternalLogin> Links { get; private set; } = [];

    /// <summary>New recovery codes, shown on this response only.</summary>
    public IReadOnlyList<string>? NewCodes { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (!await CheckCodeAsync(me, RegenerateCode, nameof(RegenerateCode), ct))
        {
            await LoadAsync(ct);
            return Page();
        }

        NewCodes = await factors.RegenerateRecoveryCodesAsync(me, ct);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (await factors.RequiredForAsync(me.Id, ct))
        {
            ModelState.AddModelError(nameof(RemoveCode), "Your role needs a second factor, so you cannot remove it. If you have lost your phone, ask an administrator to reset it.");
            await LoadAsync(ct);
            return Page();
        }

        if (!await CheckCodeAsync(me, RemoveCode, nameof(RemoveCode), ct))
        {
            await LoadAsync(ct);
            return Page();
        }

        await factors.RemoveOwnAsync(me, ct);
        TempData["Success"] = "Your second factor is removed: your authenticator app and recovery codes no longer work for SafeUse.";
        return RedirectToPage();
    }

    private async Task<bool> CheckCodeAsync(People.Person me, string? code, string field, CancellationToken ct)
    {
        if (!await factors.HasFactorAsync(me.Id, ct))
        {
            ModelState.AddModelError(field, "You do not have a second factor.");
            return false;
        }

        var check = await factors.VerifyAsync(me, code, ct);
        if (check != FactorCheck.Accepted)
        {
            ModelState.AddModelError(field, check == FactorCheck.Locked ? SecondFactorModel.Paused : string.IsNullOrWhiteSpace(code) ? "Enter a code from your authenticator app, or a recovery code" : SecondFactorModel.Refused);
            return false;
        }

        return true;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var id = current.PersonId!.Value;
        HasFactor = await factors.HasFactorAsync(id, ct);
        Required = await factors.RequiredForAsync(id, ct);
        HasPassword = await signIn.HasPasswordAsync(id, ct);
        CodesLeft = await factors.RecoveryCodesLeftAsync(id, ct);
        Links = await db.ExternalLogins.AsNoTracking().Where(l => l.PersonId == id).OrderBy(l => l.Provider).ThenBy(l => l.CreatedAt).ToListAsync(ct);
    }
}
