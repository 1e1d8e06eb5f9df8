using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Sets or changes the signed-in person's password. Changing one asks for the current password (a session left open
/// must not be enough to take the account), except in a session begun with an emailed link in the last 15 minutes:
/// "Forgotten your password?" leads there, and the link has just proved the mailbox is theirs. Either way every other
/// session ends.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class PasswordModel(SignInService signIn, CurrentUser current) : PageModel
{
    [BindProperty]
    public PasswordForm Input { get; set; } = new();

    public bool HasPassword { get; private set; }

    /// <summary>Whether the current password must be given: the person has one, and this is not a fresh link session.</summary>
    public bool AsksCurrent { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(current.PersonId!.Value, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        await LoadAsync(me.Id, ct);
        if (AsksCurrent && !await signIn.CheckPasswordAsync(me, Input.CurrentPassword, ct))
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

        var how = HasPassword && !AsksCurrent ? "after signing in with an emailed link, without the current password" : null;
        await signIn.SetPasswordAsync(me, Input.Password!, await current.ActorAsync(ct), ct, how);
        // The new cookie is a password session: a second change in it asks for the password just set.
        await signIn.SignInCookieAsync(HttpContext, me, SignInMethod.Password, ct, continuing: User);
        TempData["Success"] = "Your password is saved. You have been signed out everywhere else.";
        return Redirect("/");
    }

    private async Task LoadAsync(long personId, CancellationToken ct)
    {
        HasPassword = await signIn.HasPasswordAsync(personId, ct);
        AsksCurrent = HasPassword && !signIn.IsRecentLinkSession(User);
    }
}

internal sealed class PasswordForm
{
    public string? CurrentPassword { get; set; }
    public string? Password { get; set; }
}
