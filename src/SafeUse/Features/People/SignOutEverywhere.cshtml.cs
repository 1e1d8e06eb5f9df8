using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

/// <summary>
/// An administrator signs someone out on every browser (a lost laptop, a shared password), for people they may change;
/// for themself they use "Your sessions". Every cookie stops working (the security stamp changes) and they are emailed.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class SignOutEverywhereModel(AppDbContext db, CurrentUser current, TimeProvider time, AuditTrail audit, Platform.Outbox.Outbox outbox) : PageModel
{
    public Person Person { get; private set; } = null!;

    public int OpenSessions { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        OpenSessions = (await Sessions.OpenAsync(db, id, time.GetUtcNow().UtcDateTime, ct)).Count;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var admin = await current.ActorAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ended = await Sessions.EndAsync(db, id, "signed out everywhere by an administrator", time.GetUtcNow().UtcDateTime, ct);
        await SignInService.EndSessionsAsync(db, [id], ct);
        audit.Record(db, admin, "account.signed-out-everywhere", "person", id, $"{admin.Name} signed {Person.FullName} out everywhere ({ended} open session{(ended == 1 ? "" : "s")})");
        if (Person.Email is { } email)
        {
            outbox.Enqueue(db, email, "You have been signed out of SafeUse",
                $"""
                {admin.Name} signed you out of SafeUse on every browser and device. Sign in again when you next need it.

                If you did not expect this, tell your school's administrator or data protection officer.
                """);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        TempData["Success"] = $"{Person.FullName} is signed out everywhere and has been emailed.";
        return Redirect($"/people/{id}");
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var person = await PersonAccess.LoadAsync(db, id, ct);
        var authority = await PersonAccess.AuthorityAsync(current, ct);
        if (person is null || PersonAccess.Level(authority, person) == PersonAccessLevel.Hidden)
        {
            return NotFound();
        }

        if (person.Id == current.PersonId || PersonAccess.Level(authority, person) != PersonAccessLevel.Change)
        {
            return Forbid();
        }

        Person = person;
        return null;
    }
}
