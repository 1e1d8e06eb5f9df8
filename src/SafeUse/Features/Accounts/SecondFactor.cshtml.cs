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
internal sealed class SecondFactorModel(SecondFactorService factors, CurrentUser current, TimeProvider time, IConfiguration configuration) : PageModel
{
    public const string Refused = "That code is not right, or it has been used already. Check your authenticator app and try again.";
    public const string Paused = "There have been too many wrong codes. Wait 15 minutes, then try again.";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool StepUp { get; set; }

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

        await LoadDemoCodeAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var check = await factors.VerifyAsync(me, Code, ct);
        if (check != FactorCheck.Accepted)
        {
            ModelState.AddModelError(nameof(Code), check == FactorCheck.Locked ? Paused : string.IsNullOrWhiteSpace(Code) ? "Enter the code from your authenticator app, or a recovery code" : Refused);
            await LoadDemoCodeAsync(ct);
            return Page();
        }

        // The same session, no longer pending, with the time the factor was given (for step-up).
        var claims = User.Claims.Where(c => c.Type is not (SecondFactorService.PendingClaim or SecondFactorService.FactorAtClaim)).Select(c => new Claim(c.Type, c.Value)).ToList();
        claims.Add(new Claim(SecondFactorService.FactorAtClaim, time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
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
