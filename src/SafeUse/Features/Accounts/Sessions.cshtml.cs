using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Your sessions: where you are signed in (browser, address, how and when), and signing out of any one of them, of all
/// the others, or of every one including this.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SessionsModel(AppDbContext db, CurrentUser current, TimeProvider time, AuditTrail audit) : PageModel
{
    public IReadOnlyList<UserSession> Open { get; private set; } = [];

    public string? ThisSession => Sessions.Id(User);

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Signs out one session; a session that is not theirs (or already ended) is treated as gone.</summary>
    public async Task<IActionResult> OnPostEndAsync(string? session, CancellationToken ct)
    {
        var me = await current.ActorAsync(ct);
        if (string.IsNullOrEmpty(session) || session == ThisSession)
        {
            return RedirectToPage();
        }

        if (await Sessions.EndAsync(db, me.PersonId!.Value, "signed out from another session", time.GetUtcNow().UtcDateTime, ct, only: session) > 0)
        {
            audit.Record(db, me, "account.session-ended", "person", me.PersonId.Value, "Signed out one of their other sessions");
            await db.SaveChangesAsync(ct);
            TempData["Success"] = "That session is signed out.";
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndOthersAsync(CancellationToken ct)
    {
        var me = await current.ActorAsync(ct);
        var ended = await Sessions.EndAsync(db, me.PersonId!.Value, "signed out from another session", time.GetUtcNow().UtcDateTime, ct, keep: ThisSession);
        if (ended > 0)
        {
            audit.Record(db, me, "account.session-ended", "person", me.PersonId.Value, $"Signed out of {ended} other session{(ended == 1 ? "" : "s")}");
            await db.SaveChangesAsync(ct);
        }

        TempData["Success"] = ended == 0 ? "You were not signed in anywhere else." : "You are signed out everywhere else. This session carries on.";
        return RedirectToPage();
    }

    /// <summary>Every session, this one too, and every cookie ever issued (the security stamp changes).</summary>
    public async Task<IActionResult> OnPostEndAllAsync(CancellationToken ct)
    {
        var me = await current.ActorAsync(ct);
        await Sessions.EndAsync(db, me.PersonId!.Value, "signed out everywhere", time.GetUtcNow().UtcDateTime, ct);
        await SignInService.EndSessionsAsync(db, [me.PersonId.Value], ct);
        audit.Record(db, me, "account.signed-out-everywhere", "person", me.PersonId.Value, "Signed out everywhere");
        await db.SaveChangesAsync(ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/account/sign-out");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow().UtcDateTime;
        Open = await Sessions.OpenAsync(db, current.PersonId!.Value, Now, ct);
    }
}
