using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

/// <summary>
/// A person's links to Microsoft or Google accounts, for an administrator who may change them (the staff import's rule:
/// their own schools): see them and remove one (a wrong link, or an account that should no longer get in). Removing one
/// signs the person out everywhere; their next single sign-on links again by work email. Audited.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class SsoLinksModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    public Person Person { get; private set; } = null!;

    public List<ExternalLogin> Links { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(long id, long linkId, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var link = await db.ExternalLogins.FirstOrDefaultAsync(l => l.Id == linkId && l.PersonId == id, ct);
        if (link is not null)
        {
            db.ExternalLogins.Remove(link);
            await SignInService.EndSessionsAsync(db, [id], ct);
            audit.Record(db, await current.ActorAsync(ct), "account.sso-unlinked", "person", id,
                $"{SsoProviders.Label(link.Provider)} account link removed from {Person.FullName}", before: new { link.Provider, link.Email, link.CreatedAt });
            await db.SaveChangesAsync(ct);
            TempData["Success"] = $"The {SsoProviders.Label(link.Provider)} account is no longer linked to {Person.FullName}, and they have been signed out.";
        }

        return Redirect($"/people/{id}/sso");
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var person = await PersonAccess.LoadAsync(db, id, ct);
        var level = person is null ? PersonAccessLevel.Hidden : PersonAccess.Level(await PersonAccess.AuthorityAsync(current, ct), person);
        if (level == PersonAccessLevel.Hidden)
        {
            return NotFound();
        }

        if (level != PersonAccessLevel.Change)
        {
            return Forbid();
        }

        Person = person!;
        Links = await db.ExternalLogins.AsNoTracking().Where(l => l.PersonId == id).OrderBy(l => l.Provider).ThenBy(l => l.CreatedAt).ToListAsync(ct);
        return null;
    }
}
