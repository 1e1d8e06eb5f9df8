using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Sets up a first second factor: an authenticator app (a QR code, and the secret to type in, for a factor that counts
/// once a right code confirms it) or a passkey or security key; then the ten recovery codes, shown on this response
/// only. Someone whose role needs a second factor is sent here by <see cref="SecondFactorGate"/> and can reach nothing
/// else until it is done.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class EnrolModel(SecondFactorService factors, PasskeyService passkeys, CurrentUser current, TimeProvider time) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The browser's answer to the passkey options, as JSON (filled in by /js/passkey.js).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public string? PasskeyName { get; set; }

    public TotpEnrolment Enrolment { get; private set; } = null!;

    /// <summary>Set once the factor is confirmed: the recovery codes, shown now and never again.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    /// <summary>The kind of factor just set up (for the confirmation's words).</summary>
    public SecondFactorKind? Added { get; private set; }

    public bool Required { get; private set; }

    public bool PasskeysAvailable => passkeys.Available;

    public string Next => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (await factors.HasFactorAsync(me.Id, ct))
        {
            return Redirect("/account/security");
        }

        Required = await factors.RequiredForAsync(me.Id, ct);
        Enrolment = await factors.StartTotpAsync(me, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (await factors.HasFactorAsync(me.Id, ct))
        {
            return Redirect("/account/security");
        }

        Required = await factors.RequiredForAsync(me.Id, ct);
        RecoveryCodes = await factors.ConfirmTotpAsync(me, Code, ct);
        if (RecoveryCodes is null)
        {
            ModelState.AddModelError(nameof(Code), string.IsNullOrWhiteSpace(Code) ? "Enter the 6-digit code from your authenticator app"
                : "That code is not right. Check the app shows SafeUse, wait for a new code and try again (after 5 wrong codes, wait 15 minutes).");
            Enrolment = await factors.StartTotpAsync(me, ct);
            return Page();
        }

        // The code just given counts as this session's second factor, so a restricted record opens without asking again.
        Added = SecondFactorKind.Totp;
        await SecondFactorService.MarkGivenAsync(HttpContext, time.GetUtcNow());
        // Shown on this response, not after a redirect: the codes are never stored anywhere they could be shown again.
        return Page();
    }

    /// <summary>The options for a new passkey (JSON for /js/passkey.js), for someone with no second factor yet.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (!passkeys.Available || await factors.HasFactorAsync(me.Id, ct))
        {
            return NotFound();
        }

        return Content(await passkeys.StartRegistrationAsync(HttpContext, me, ct), "application/json");
    }

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (await factors.HasFactorAsync(me.Id, ct))
        {
            return Redirect("/account/security");
        }

        Required = await factors.RequiredForAsync(me.Id, ct);
        var result = await passkeys.FinishRegistrationAsync(HttpContext, me, Credential, PasskeyName, ct);
        if (!result.Added)
        {
            ModelState.AddModelError(nameof(PasskeyName), PasskeyRefused);
            Enrolment = await factors.StartTotpAsync(me, ct);
            return Page();
        }

        // A passkey is made with user verification (a PIN, fingerprint or face), so making it gives the factor too.
        Added = SecondFactorKind.Passkey;
        RecoveryCodes = result.RecoveryCodes ?? [];
        await SecondFactorService.MarkGivenAsync(HttpContext, time.GetUtcNow());
        return Page();
    }

    public const string PasskeyRefused = "The passkey was not set up. Try again, and unlock it with your PIN, fingerprint or face when asked. You can set up an authenticator app instead.";
}
