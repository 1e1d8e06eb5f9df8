using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

/// <summary>
/// Changes one person's record, under the staff import's rules of who may change whom, with optimistic concurrency:
/// an edit made on an out-of-date page saves nothing and shows what is saved now, keeping the editor's changes.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class EditModel(AppDbContext db, CurrentUser current, AuditTrail audit, SignOffService signOff, TimeProvider time) : PageModel
{
    [BindProperty]
    public PersonForm Person { get; set; } = new();

    /// <summary>The record's version when the page was opened.</summary>
    [BindProperty]
    public int Version { get; set; }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public List<School> Schools { get; private set; } = [];
    public bool TrustWide { get; private set; }

    /// <summary>After a clash with someone else's change: the record as it is saved now.</summary>
    public Dictionary<string, string?>? SavedNow { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (person, refusal, _) = await LoadAsync(id, ct);
        if (person is null)
        {
            return refusal!;
        }

        Person = PersonForm.From(person);
        Version = person.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (person, refusal, authority) = await LoadAsync(id, ct);
        if (person is null)
        {
            return refusal!;
        }

        if (person.Version != Version)
        {
            Stale(person);
        }

        if (!await Person.ValidateAsync(db, ModelState, nameof(Person), person.TrustId, Schools, authority, person, ct))
        {
            return Page();
        }

        var names = Schools.ToDictionary(s => s.Id, s => s.Name);
        var before = PersonForm.Describe(person, names);
        var emailBefore = person.EmailNormalized;
        Person.ApplyTo(person);
        Person.ApplyNetworkNamesTo(person, person.TrustId);
        var wanted = Person.SchoolIds.Distinct().ToHashSet();
        foreach (var gone in person.Schools.Where(s => !wanted.Contains(s.SchoolId)).ToList())
        {
            // Validation has made sure they hold no role beyond Staff there.
            person.Schools.Remove(gone);
            person.Roles.RemoveAll(r => r.SchoolId == gone.SchoolId);
        }

        foreach (var schoolId in wanted.Where(s => person.Schools.All(x => x.SchoolId != s)))
        {
            person.Schools.Add(new PersonSchool { SchoolId = schoolId });
            person.Roles.Add(new RoleAssignment { Role = Role.Staff, SchoolId = schoolId });
        }

        var after = PersonForm.Describe(person, names);
        var changed = after.Where(kv => before[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
        if (changed.Count == 0)
        {
            TempData["Success"] = "Nothing was changed.";
            return Redirect($"/people/{id}");
        }

        var now = time.GetUtcNow().UtcDateTime;
        // The update is made only if the record is still at the version the editor saw, whoever changed it since.
        db.Entry(person).Property(p => p.Version).OriginalValue = Version;
        person.Version = Version + 1;
        person.UpdatedAt = now;
        var actor = await current.ActorAsync(ct);
        audit.Record(db, actor, "person.updated", "person", person.Id, $"Changed {person.FullName}'s {string.Join(", ", changed.Select(c => c.ToLowerInvariant()))}",
            before: changed.ToDictionary(c => c, c => before[c]), after: changed.ToDictionary(c => c, c => after[c]),
            schoolId: person.Schools.Count == 1 ? person.Schools[0].SchoolId : null);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DatabaseProvider.IsUniqueViolation(ex))
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var (fresh, freshRefusal, _) = await LoadAsync(id, ct);
            if (fresh is null)
            {
                return freshRefusal!;
            }

            if (ex is DbUpdateConcurrencyException || fresh.Version != Version)
            {
                Stale(fresh);
            }

            await Person.ValidateAsync(db, ModelState, nameof(Person), fresh.TrustId, Schools, authority, fresh, ct);
            return Page();
        }

        if (person.EmailNormalized != emailBefore)
        {
            // A sign-in link emailed to the old address must not open the account any more.
            await db.SignInLinks.Where(l => l.PersonId == person.Id && l.UsedAt == null && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, now), ct);
        }

        // A new school, employment type or staff group can put them in a policy's audience: they are asked now.
        var asked = person.IsLeaver ? 0 : await signOff.AskJoinersAsync([person.Id], actor, ct);
        await tx.CommitAsync(ct);
        TempData["Success"] = $"Saved {person.FullName}'s details." + (asked > 0 ? $" They have been asked to sign {asked} more {(asked == 1 ? "policy" : "policies")}." : "");
        return Redirect($"/people/{id}");
    }

    private void Stale(Person saved)
    {
        ModelState.AddModelError("", $"Someone else changed {saved.FullName}'s details after you opened this page, so your changes have not been saved yet");
        SavedNow = PersonForm.Describe(saved, Schools.ToDictionary(s => s.Id, s => s.Name));
        Version = saved.Version;
        ModelState.Remove(nameof(Version));
    }

    private async Task<(Person? Person, IActionResult? Refusal, ImportAuthority Authority)> LoadAsync(long id, CancellationToken ct)
    {
        var authority = await PersonAccess.AuthorityAsync(current, ct);
        TrustWide = authority.Schools.AllSchools;
        Schools = await PersonAccess.SchoolsAsync(db, authority, ct);
        var person = await PersonAccess.LoadAsync(db, id, ct);
        var level = person is null ? PersonAccessLevel.Hidden : PersonAccess.Level(authority, person);
        if (level != PersonAccessLevel.Change)
        {
            return (null, level == PersonAccessLevel.Hidden ? NotFound() : Forbid(), authority);
        }

        Id = id;
        Name = person!.FullName;
        return (person, null, authority);
    }
}
