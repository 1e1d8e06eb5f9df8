using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Sets up an authenticator app: a QR code (and the secret to type in) for a factor that counts once a right code
/// confirms it; then the ten recovery codes, shown on this response only. Someone whose role needs a second factor is
/// sent here by <see cref="SecondFactorGate"/> and can reach nothing else until it is done.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class EnrolModel(SecondFactorService factors, CurrentUser current, TimeProvider time) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public TotpEnrolment Enrolment { get; private set; } = null!;

    /// <summary>Set once the factor is confirmed: the recovery codes, shown now and never again.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public bool Required { get; private set; }

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
        var claims = User.Claims.Where(c => c.Type is not (SecondFactorService.PendingClaim or SecondFactorService.FactorAtClaim)).Select(c => new Claim(c.Type, c.Value)).ToList();
        claims.Add(new Claim(SecondFactorService.FactorAtClaim, time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        // Shown on this response, not after a redirect: the codes are never stored anywhere they could be shown again.
        return Page();
    }
}
