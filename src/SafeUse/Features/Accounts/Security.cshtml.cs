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
/// Passkeys are added, named and removed one at a time by a session that gave its second factor within
/// <see cref="SecondFactorService.StepUpAge"/> (otherwise it is asked for it first); the last factor of someone whose
/// role needs one cannot be removed.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SecurityModel(SecondFactorService factors, PasskeyService passkeys, SignInService signIn, CurrentUser current, AppDbContext db, TimeProvider time) : PageModel
{
    public const string LastFactorRefused = "This is your only second factor and your role needs one, so you cannot remove it. Add another first.";

    /// <summary>The browser's answer to the passkey options, as JSON (filled in by /js/passkey.js).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public string? PasskeyName { get; set; }

    [BindProperty]
    public long PasskeyId { get; set; }

    public IReadOnlyList<PasskeySummary> Passkeys { get; private set; } = [];
    public bool HasApp { get; private set; }
    public bool PasskeysAvailable => passkeys.Available;

    public string FactorSummary => (HasApp, Passkeys.Count) switch
    {
        (true, 0) => "Authenticator app",
        (true, var n) => $"Authenticator app and {Plural(n)}",
        (false, var n) => Plural(n),
    };

    private static string Plural(int passkeyCount) => passkeyCount == 1 ? "1 passkey" : $"{passkeyCount} passkeys";

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

    /// <summary>Options for another passkey (JSON for /js/passkey.js); a first one is set up on the enrolment page.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (!passkeys.Available || !factors.IsFresh(User) || !await factors.HasFactorAsync(me.Id, ct))
        {
            return NotFound();
        }

        return Content(await passkeys.StartRegistrationAsync(HttpContext, me, ct), "application/json");
    }

    public async Task<IActionResult> OnPostAddPasskeyAsync(CancellationToken ct)
    {
        if (!factors.IsFresh(User))
        {
            return Redirect(StepUpFirst);
        }

        var me = await current.PersonAsync(ct);
        if (!await factors.HasFactorAsync(me.Id, ct))
        {
            return Redirect(SecondFactorService.EnrolPath);
        }

        var result = await passkeys.FinishRegistrationAsync(HttpContext, me, Credential, PasskeyName, ct);
        if (!result.Added)
        {
            ModelState.AddModelError(nameof(PasskeyName), EnrolModel.PasskeyRefused);
            await LoadAsync(ct);
            return Page();
        }

        TempData["Success"] = "Your passkey is added. You can use it to sign in, and as your second factor.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(CancellationToken ct)
    {
        if (!factors.IsFresh(User))
        {
            return Redirect(StepUpFirst);
        }

        var me = await current.PersonAsync(ct);
        if (!await passkeys.RemoveAsync(me, PasskeyId, ct))
        {
            ModelState.AddModelError("", LastFactorRefused);
            await LoadAsync(ct);
            return Page();
        }

        // A removed passkey is often a lost device: whatever it signed in ends, this session carries on.
        await Sessions.EndAsync(db, me.Id, "signed out when a passkey was removed", time.GetUtcNow().UtcDateTime, ct, keep: Sessions.Id(User));
        await db.SaveChangesAsync(ct);
        TempData["Success"] = "The passkey is removed: it no longer works for SafeUse, and you are signed out everywhere else.";
        return RedirectToPage();
    }

    /// <summary>Changing passkeys needs the second factor given recently: the prompt first, back here after.</summary>
    private static string StepUpFirst => SecondFactorService.VerifyPath + "?returnUrl=" + Uri.EscapeDataString("/account/security") + "&stepUp=true";

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
        HasApp = await factors.HasAppAsync(id, ct);
        Passkeys = await passkeys.ListAsync(id, ct);
    }
}
