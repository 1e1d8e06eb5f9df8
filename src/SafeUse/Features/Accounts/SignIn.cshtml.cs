using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

[AllowAnonymous]
internal sealed class SignInModel(SignInService signIn, PasskeyService passkeys) : PageModel
{
    /// <summary>One message for a wrong password, an unknown address and a pause, so none of them can be told apart.</summary>
    public const string Refused = "The email address or password is not right, or there have been too many attempts. Check them and try again, or wait 15 minutes.";

    [BindProperty]
    public SignInForm Input { get; set; } = new();

    /// <summary>One message for any passkey that does not sign in (unknown, a leaver's, not verified), so none can be told apart.</summary>
    public const string PasskeyRefused = "That passkey did not sign you in. Try again and unlock it with your PIN, fingerprint or face when asked, or sign in with your email address.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The browser's answer to the passkey request, as JSON (filled in by /js/passkey.js).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    public bool PasskeysAvailable => passkeys.Available;

    public void OnGet()
    {
    }

    /// <summary>Options for a passkey sign-in with no name given: the authenticator offers the passkeys it holds for SafeUse.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct) =>
        passkeys.Available ? Content(await passkeys.StartAssertionAsync(HttpContext, PasskeyService.SignIn, null, ct), "application/json") : NotFound();

    /// <summary>A passkey with user verification signs in and gives the second factor at once (the session is not pending).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var person = await passkeys.FinishAssertionAsync(HttpContext, PasskeyService.SignIn, null, Credential, ct);
        if (person is null)
        {
            ModelState.AddModelError("", PasskeyRefused);
            return Page();
        }

        await signIn.SignInCookieAsync(HttpContext, person, SignInMethod.Passkey, ct);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Input.Email))
        {
            ModelState.AddModelError("Input.Email", "Enter your work email address");
        }

        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", "Enter your password");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Input.Email!, Input.Password!, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            ModelState.AddModelError("Input.Email", Refused);
            return Page();
        }

        await signIn.SignInCookieAsync(HttpContext, result.Person!, SignInMethod.Password, ct);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}

internal sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}
