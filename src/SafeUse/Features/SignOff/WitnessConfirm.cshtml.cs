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
/// The witness's confirmation that ends a locked signing screen (<see cref="WitnessLock"/>). The witness re-enters
/// their password, which proves the device is back in their hands; then, if the person signed, the signature is
/// written as before: method in person, the witness named, the typed name, the declaration, the text's hash, the
/// device's address and browser, and its audit event in the same transaction.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class WitnessConfirmModel(AppDbContext db, CurrentUser current, SignInService signIn, SignOffService signOff, SecondFactorService factors) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public Person Signer { get; private set; } = null!;
    public Person Witness { get; private set; } = null!;
    public WitnessLock State { get; private set; } = null!;

    [BindProperty] public string? Password { get; set; }

    /// <summary>How the witness proves it is them: their password, a code from their authenticator app, or either.</summary>
    public bool HasPassword { get; private set; }
    public bool HasApp { get; private set; }

    public string Prompt => HasPassword && HasApp ? "enter your password or a code from your authenticator app"
        : HasApp ? "enter a code from your authenticator app" : "enter your password";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } elsewhere)
        {
            return elsewhere;
        }

        // Six digits from the app (where the trust has turned passwords off, the only way); otherwise the password.
        var code = (Password ?? "").Replace(" ", "", StringComparison.Ordinal);
        var confirmed = HasApp && code is { Length: 6 } && code.All(char.IsAsciiDigit)
            ? await factors.VerifyAsync(Witness, code, ct) == FactorCheck.Accepted
            : HasPassword && await signIn.ReconfirmPasswordAsync(Witness, Password, ct);
        if (!confirmed)
        {
            ModelState.AddModelError(nameof(Password), string.IsNullOrEmpty(Password)
                ? (HasPassword ? "Enter your password" : "Enter the code from your authenticator app")
                : HasPassword ? "Your password is not right, or there have been too many attempts. Try again, or wait 15 minutes, or sign out"
                : "That code is not right, or there have been too many attempts. Try again, or wait 15 minutes, or sign out");
            return Page();
        }

        var choose = $"/policies/{Policy.Id}/witness";
        if (!State.Signed)
        {
            await WitnessLock.SetAsync(HttpContext, null);
            TempData["Success"] = $"{Signer.FullName} handed the device back without signing: nothing was recorded.";
            return Redirect(choose);
        }

        // The person must still be one the witness may act for (a move between schools could have happened meanwhile).
        var reach = await Reach.OnAsync(current, Policy, ct);
        var result = reach is not null && await reach.Filter(db.People.AsNoTracking()).AnyAsync(p => p.Id == Signer.Id, ct)
            ? await signOff.SignAsync(Signer.Id, new SignInput(Version.Id, true, State.TypedName, HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString(),
                SignMethod.InPersonWitnessed, Witness.Id, State.SignedAt), await current.ActorAsync(ct), ct)
            : new SignResult(SignOutcome.NotInAudience);
        await WitnessLock.SetAsync(HttpContext, null);
        switch (result.Outcome)
        {
            case SignOutcome.Signed:
                TempData["Success"] = $"{Signer.FullName} has signed, witnessed by {Witness.FullName}.";
                break;
            case SignOutcome.AlreadySigned:
                TempData["Success"] = $"{Signer.FullName} had already signed version {Version.Number}: nothing has changed.";
                break;
            case SignOutcome.Superseded:
                TempData["WitnessProblem"] = $"Version {Version.Number} was replaced while {Signer.FullName} was signing, so their signature was not recorded. They need to sign the current version.";
                break;
            default:
                TempData["WitnessProblem"] = $"{Signer.FullName} is no longer asked to sign this version, or no longer one you can witness for, so nothing was recorded.";
                break;
        }

        return Redirect(choose);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (WitnessLock.Of(User) is not { } state)
        {
            // Nothing is being signed in this session (the lock ended, or never began): home, not an error.
            return Redirect("/");
        }

        if (state.Stage != WitnessStage.HandedBack)
        {
            return Redirect(state.Screen);
        }

        State = state;
        Version = await db.PolicyVersions.AsNoTracking().FirstAsync(v => v.Id == state.VersionId, ct);
        Policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstAsync(p => p.Id == state.PolicyId, ct);
        Signer = await db.People.AsNoTracking().FirstAsync(p => p.Id == state.PersonId, ct);
        Witness = await current.PersonAsync(ct);
        HasPassword = await signIn.HasPasswordAsync(Witness.Id, ct);
        HasApp = await factors.HasAppAsync(Witness.Id, ct);
        return null;
    }
}
