using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Asks for the second factor: after a password or an emailed link (the session is pending until it is given), and
/// again before a restricted record when the last one is older than <see cref="SecondFactorService.StepUpAge"/>.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SecondFactorModel(SecondFactorService factors, PasskeyService passkeys, CurrentUser current, TimeProvider time, IConfiguration configuration) : PageModel
{
    public const string Refused = "That code is not right, or it has been used already. Check your authenticator app and try again.";
    public const string Paused = "There have been too many wrong codes. Wait 15 minutes, then try again.";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool StepUp { get; set; }

    /// <summary>The browser's answer to the passkey request, as JSON (filled in by /js/passkey.js).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    /// <summary>The person has a passkey and passkeys work at this address: offer it beside the code.</summary>
    public bool OfferPasskey { get; private set; }

    /// <summary>The person has an authenticator app (otherwise the code box asks only for a recovery code).</summary>
    public bool HasApp { get; private set; } = true;

    /// <summary>In the demo only, for a demo account: the code its authenticator would show now.</summary>
    public string? DemoCode { get; private set; }

    /// <summary>In the demo, for a demo account whose codes for now are used up: say to wait for the next.</summary>
    public bool DemoWait { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await factors.HasFactorAsync(current.PersonId!.Value, ct))
        {
            return Redirect(SecondFactorService.EnrolPath);
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var check = await factors.VerifyAsync(me, Code, ct);
        if (check != FactorCheck.Accepted)
        {
            ModelState.AddModelError(nameof(Code), check == FactorCheck.Locked ? Paused : string.IsNullOrWhiteSpace(Code) ? "Enter the code from your authenticator app, or a recovery code" : Refused);
            await LoadAsync(ct);
            return Page();
        }

        // The same session, no longer pending, with the time the factor was given (for step-up).
        await SecondFactorService.MarkGivenAsync(HttpContext, time.GetUtcNow());
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    /// <summary>The options for using one of the person's passkeys (JSON for /js/passkey.js).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        var id = current.PersonId!.Value;
        return passkeys.Available && (await passkeys.ListAsync(id, ct)).Count > 0
            ? Content(await passkeys.StartAssertionAsync(HttpContext, PasskeyService.Verify, id, ct), "application/json")
            : NotFound();
    }

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        if (await passkeys.FinishAssertionAsync(HttpContext, PasskeyService.Verify, current.PersonId!.Value, Credential, ct) is null)
        {
            ModelState.AddModelError("", PasskeyRefused);
            await LoadAsync(ct);
            return Page();
        }

        await SecondFactorService.MarkGivenAsync(HttpContext, time.GetUtcNow());
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    public const string PasskeyRefused = "Your passkey was not accepted. Try again and unlock it with your PIN, fingerprint or face when asked, or enter a code.";

    private async Task LoadAsync(CancellationToken ct)
    {
        var id = current.PersonId!.Value;
        OfferPasskey = passkeys.Available && (await passkeys.ListAsync(id, ct)).Count > 0;
        HasApp = await factors.HasAppAsync(id, ct);
        await LoadDemoCodeAsync(ct);
    }

    private async Task LoadDemoCodeAsync(CancellationToken ct)
    {
        // Never outside `serve --demo`, and only for the demo trust's own seeded factors (DemoTrust marks them).
        if (configuration.GetValue<bool>("Demo"))
        {
            DemoCode = await factors.DemoCodeAsync(current.PersonId!.Value, ct);
            DemoWait = DemoCode is null && await factors.HasDemoFactorAsync(current.PersonId!.Value, ct);
        }
    }
}
