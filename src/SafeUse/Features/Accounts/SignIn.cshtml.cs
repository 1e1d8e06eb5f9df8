using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

[AllowAnonymous]
internal sealed class SignInModel(SignInService signIn) : PageModel
{
    /// <summary>One message for a wrong password, an unknown address and a pause, so none of them can be told apart.</summary>
    public const string Refused = "The email address or password is not right, or there have been too many attempts. Check them and try again, or wait 15 minutes.";

    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
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
