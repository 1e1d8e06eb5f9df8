using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Anyone may see the signed-out page; signing out is a POST so a link cannot sign someone out. Signing out ends
/// every session of the person (the security stamp changes), so a copied or left-behind cookie stops working too.
/// </summary>
[AllowAnonymous]
internal sealed class SignOutModel(AppDbContext db, CurrentUser current) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (current.PersonId is { } id)
        {
            await SignInService.EndSessionsAsync(db, [id], ct);
            await db.SaveChangesAsync(ct);
        }

        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage();
    }
}
