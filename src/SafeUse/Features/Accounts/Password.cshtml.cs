using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Sets or changes the signed-in person's password. Changing one asks for the current password (a session left open
/// must not be enough to take the account), and ends every other session.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class PasswordModel(SignInService signIn, CurrentUser current) : PageModel
{
    [BindProperty]
    public PasswordForm Input { get; set; } = new();

    public bool HasPassword { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => HasPassword = await signIn.HasPasswordAsync(current.PersonId!.Value, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        HasPassword = await signIn.HasPasswordAsync(me.Id, ct);
        if (HasPassword && !await signIn.CheckPasswordAsync(me, Input.CurrentPassword, ct))
        {
            ModelState.AddModelError("Input.CurrentPassword", string.IsNullOrEmpty(Input.CurrentPassword) ? "Enter your current password" : "Your current password is not right");
        }

        if (PasswordPolicy.Check(Input.Password, me.GivenName, me.FamilyName, me.Email?.Split('@')[0]) is { } problem)
        {
            ModelState.AddModelError("Input.Password", problem);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        await signIn.SetPasswordAsync(me, Input.Password!, await current.ActorAsync(ct), ct);
        await signIn.SignInCookieAsync(HttpContext, me, ct);
        TempData["Success"] = "Your password is saved. You have been signed out everywhere else.";
        return Redirect("/");
    }
}

internal sealed class PasswordForm
{
    public string? CurrentPassword { get; set; }
    public string? Password { get; set; }
}
