using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class PasswordModel(SignInService signIn, CurrentUser current) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (PasswordPolicy.Check(Input.Password, me.GivenName, me.FamilyName, me.Email?.Split('@')[0]) is { } problem)
        {
            ModelState.AddModelError("Input.Password", problem);
            return Page();
        }

        await signIn.SetPasswordAsync(me, Input.Password!, await current.ActorAsync(ct), ct);
        await SignInService.SignInCookieAsync(HttpContext, me);
        TempData["Success"] = "Your password is saved.";
        return Redirect("/");
    }
}
