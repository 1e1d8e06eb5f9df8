using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

[AllowAnonymous]
internal sealed class LinkModel(SignInService signIn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Failed { get; private set; }

    public void OnGet() => Failed = string.IsNullOrWhiteSpace(Token);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = string.IsNullOrWhiteSpace(Token) ? new SignInAttempt(SignInOutcome.Refused, null) : await signIn.RedeemLinkAsync(Token, ct);
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            Failed = true;
            return Page();
        }

        await signIn.SignInCookieAsync(HttpContext, result.Person!, SignInMethod.EmailLink, ct);
        return Redirect("/");
    }
}
