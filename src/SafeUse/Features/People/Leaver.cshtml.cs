using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.People;

/// <summary>
/// Marks one person as a leaver: they stop signing in and being chased (their open requests stop at once, not at the
/// sign-off clock's next run), and their records stay. Never the trust's last administrator, nor the one doing it.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class LeaverModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time) : PageModel
{
    [BindProperty]
    public DateParts LeaveDate { get; set; } = new();

    [BindProperty]
    public int Version { get; set; }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (person, refusal) = await LoadAsync(id, ct);
        if (person is null)
        {
            return refusal!;
        }

        Version = person.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (person, refusal) = await LoadAsync(id, ct);
        if (person is null)
        {
            return refusal!;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        if (person.Version != Version)
        {
            ModelState.AddModelError("", $"Someone else changed {person.FullName}'s details after you opened this page: check them on their page before marking them as a leaver");
            Version = person.Version;
            ModelState.Remove(nameof(Version));
        }

        if (person.Roles.Any(r => r.Role == Role.Administrator)
            && !await db.People.AnyAsync(p => p.Id != person.Id && !p.IsLeaver && p.Roles.Any(r => r.Role == Role.Administrator), ct))
        {
            ModelState.AddModelError("", $"{person.FullName} is the trust's only administrator, so they cannot be marked as a leaver: give someone else the Administrator role first");
        }
        else if (person.Id == current.PersonId)
        {
            ModelState.AddModelError("", "You cannot mark yourself as a leaver: ask another administrator");
        }

        if (LeaveDate.IsEmpty)
        {
            ModelState.AddModelError(nameof(LeaveDate), "Enter their leave date");
        }
        else if (LeaveDate.Problem("leave date") is { } problem)
        {
            ModelState.AddModelError(nameof(LeaveDate), problem);
        }
        else if (LeaveDate.Value > today)
        {
            ModelState.AddModelError(nameof(LeaveDate), "The leave date must be today or in the past: mark them as a leaver on or after their last day");
        }
        else if (person.StartDate is { } start && LeaveDate.Value < start)
        {
            ModelState.AddModelError(nameof(LeaveDate), $"The leave date must be on or after their start date, {Gov.Date(start)}");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Entry(person).Property(p => p.Version).OriginalValue = Version;
        person.IsLeaver = true;
        person.LeaveDate = LeaveDate.Value;
        person.Version = Version + 1;
        person.UpdatedAt = now;
        await SignInService.EndSessionsAsync(db, [person.Id], ct);
        audit.Record(db, await current.ActorAsync(ct), "person.left", "person", person.Id, $"Marked {person.FullName} as a leaver on {Gov.Date(person.LeaveDate)}",
            after: new { LeaveDate = person.LeaveDate }, schoolId: person.Schools.Count == 1 ? person.Schools[0].SchoolId : null);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            ModelState.AddModelError("", $"Someone else changed {person.FullName}'s details at the same moment: check them on their page before marking them as a leaver");
            db.ChangeTracker.Clear();
            Version = (await db.People.AsNoTracking().FirstAsync(p => p.Id == id, ct)).Version;
            ModelState.Remove(nameof(Version));
            return Page();
        }

        // As the sign-off clock would for any leaver: they are no longer chased, and what they signed stays.
        await db.SignOffRequests.Where(r => r.PersonId == person.Id && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.Stopped).SetProperty(r => r.ClosedAt, now), ct);
        await tx.CommitAsync(ct);
        TempData["Success"] = $"{person.FullName} is marked as a leaver from {Gov.Date(person.LeaveDate)}.";
        return Redirect($"/people/{id}");
    }

    private async Task<(Person? Person, IActionResult? Refusal)> LoadAsync(long id, CancellationToken ct)
    {
        var authority = await PersonAccess.AuthorityAsync(current, ct);
        var person = await PersonAccess.LoadAsync(db, id, ct);
        var level = person is null ? PersonAccessLevel.Hidden : PersonAccess.Level(authority, person);
        if (level != PersonAccessLevel.Change)
        {
            return (null, level == PersonAccessLevel.Hidden ? NotFound() : Forbid());
        }

        if (person!.IsLeaver)
        {
            TempData["Success"] = $"{person.FullName} is already marked as a leaver.";
            return (null, Redirect($"/people/{id}"));
        }

        Id = id;
        Name = person.FullName;
        return (person, null);
    }
}
