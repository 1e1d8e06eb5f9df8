using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Anyone may see the signed-out page; signing out is a POST so a link cannot sign someone out. Signing out ends this
/// browser's session on the server, so a copied or left-behind copy of its cookie stops working too; the person's
/// other sessions (their phone, say) carry on, and "Your sessions" ends those.
/// </summary>
[AllowAnonymous]
internal sealed class SignOutModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (current.PersonId is { } id && Sessions.Id(User) is { } session)
        {
            await Sessions.EndAsync(db, id, "signed out", time.GetUtcNow().UtcDateTime, ct, only: session);
            await db.SaveChangesAsync(ct);
        }

        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage();
    }
}
