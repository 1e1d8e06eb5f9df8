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
/// Adds one person without a staff file: in schools the administrator administers, with the Staff role there, and
/// asks them at once to sign the published policies meant for them, all in one transaction with its audit event.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class NewModel(AppDbContext db, CurrentUser current, AuditTrail audit, SignOffService signOff, TimeProvider time) : PageModel
{
    [BindProperty]
    public PersonForm Person { get; set; } = new();

    /// <summary>A double submit finds its key taken and adds no second person.</summary>
    [BindProperty]
    public string Key { get; set; } = Guid.NewGuid().ToString("n");

    public List<School> Schools { get; private set; } = [];
    public bool TrustWide { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Schools.Count > 0 && !TrustWide)
        {
            Person.SchoolIds = [Schools[0].Id];
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var authority = await LoadAsync(ct);
        var idempotency = "person-new:" + Key;
        if (await db.IdempotencyKeys.AnyAsync(k => k.Key == idempotency, ct))
        {
            return Redirect("/people");
        }

        var me = await current.PersonAsync(ct);
        if (!await Person.ValidateAsync(db, ModelState, nameof(Person), me.TrustId, Schools, authority, null, ct))
        {
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var person = new Person { TrustId = me.TrustId, GivenName = "", FamilyName = "", CreatedAt = now, UpdatedAt = now };
        Person.ApplyTo(person);
        Person.ApplyNetworkNamesTo(person, me.TrustId);
        foreach (var schoolId in Person.SchoolIds.Distinct())
        {
            person.Schools.Add(new PersonSchool { SchoolId = schoolId });
            person.Roles.Add(new RoleAssignment { Role = Role.Staff, SchoolId = schoolId });
        }

        var actor = await current.ActorAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.IdempotencyKeys.Add(new Platform.Data.IdempotencyKey { Key = idempotency, CreatedAt = now });
            db.People.Add(person);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // Someone saved the same address or code (or this form) a moment ago: say which, as validation would have.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await db.IdempotencyKeys.AnyAsync(k => k.Key == idempotency, ct))
            {
                return Redirect("/people");
            }

            if (await Person.ValidateAsync(db, ModelState, nameof(Person), me.TrustId, Schools, authority, null, ct))
            {
                ModelState.AddModelError("", "Someone else saved a person at the same moment, so nothing was saved: check the details and add them again");
            }

            return Page();
        }

        var names = Schools.ToDictionary(s => s.Id, s => s.Name);
        audit.Record(db, actor, "person.created", "person", person.Id, $"Added {person.FullName}",
            after: PersonForm.Describe(person, names), schoolId: person.Schools.Count == 1 ? person.Schools[0].SchoolId : null);
        await db.SaveChangesAsync(ct);
        var asked = await signOff.AskJoinersAsync([person.Id], actor, ct);
        await tx.CommitAsync(ct);
        TempData["Success"] = $"Added {person.FullName}." + (asked > 0 ? $" They have been asked to sign {asked} {(asked == 1 ? "policy" : "policies")}." : "");
        return Redirect($"/people/{person.Id}");
    }

    private async Task<ImportAuthority> LoadAsync(CancellationToken ct)
    {
        var authority = await PersonAccess.AuthorityAsync(current, ct);
        TrustWide = authority.Schools.AllSchools;
        Schools = await PersonAccess.SchoolsAsync(db, authority, ct);
        return authority;
    }
}
