using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

[AllowAnonymous]
internal sealed class SignInModel(SignInService signIn, AppDbContext db, IOptions<SsoOptions> sso, PasskeyService passkeys) : PageModel
{
    /// <summary>One message for a wrong password, an unknown address and a pause, so none of them can be told apart.</summary>
    public const string Refused = "The email address or password is not right, or there have been too many attempts. Check them and try again, or wait 15 minutes.";

    /// <summary>The same for everyone (it never says whether an address exists).</summary>
    public const string PasswordsOffMessage = "Your trust has turned passwords off. Sign in with your Microsoft or Google work account, or get a sign-in link by email.";

    [BindProperty]
    public SignInForm Input { get; set; } = new();

    /// <summary>One message for any passkey that does not sign in (unknown, a leaver's, not verified), so none can be told apart.</summary>
    public const string PasskeyRefused = "That passkey did not sign you in. Try again and unlock it with your PIN, fingerprint or face when asked, or sign in with your email address.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The providers configured here and turned on by the trust, in the order their buttons show.</summary>
    public IReadOnlyList<string> Providers { get; private set; } = [];

    public bool PasswordsOff { get; private set; }

    /// <summary>The browser's answer to the passkey request, as JSON (filled in by /js/passkey.js).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    public bool PasskeysAvailable => passkeys.Available;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

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
            await LoadAsync(ct);
            return Page();
        }

        await signIn.SignInCookieAsync(HttpContext, person, SignInMethod.Passkey, ct);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (PasswordsOff)
        {
            ModelState.AddModelError("Input.Email", PasswordsOffMessage);
            return Page();
        }

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

    /// <summary>Sends the browser to Microsoft or Google; a provider that cannot be reached ends on the problem page, not an error.</summary>
    public async Task<IActionResult> OnPostSsoAsync(string? provider, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (provider is null || !Providers.Contains(provider))
        {
            return Redirect(SsoRegistration.Problem(SsoRefusal.Off, provider ?? ""));
        }

        try
        {
            await HttpContext.ChallengeAsync(provider, new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" });
            return new EmptyResult();
        }
        catch (Exception ex) when (SsoRegistration.IsUnreachable(ex))
        {
            return Redirect(SsoRegistration.Problem(SsoRefusal.Unreachable, provider));
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        // One trust per installation: its choices apply to the sign-in page, which does not know who is signing in yet.
        var settings = await db.SsoSettings.AsNoTracking().ToListAsync(ct);
        Providers = SsoProviders.All.Where(p => sso.Value.For(p).IsConfigured && settings.Any(s => s.IsOn(p))).ToList();
        PasswordsOff = Providers.Count > 0 && settings.Any(s => s.PasswordsOff);
    }
}

internal sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}
