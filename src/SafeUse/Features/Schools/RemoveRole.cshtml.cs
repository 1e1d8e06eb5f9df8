using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Schools;

/// <summary>
/// Removing a role, confirmed first: the Remove button on Schools and roles posts here and is asked "are you sure";
/// only the confirming post removes it. An administrator removes roles in their own schools (trust-wide roles: a
/// trust administrator), never their own Administrator role.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class RemoveRoleModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long? AssignmentId { get; set; }

    [BindProperty]
    public bool Confirm { get; set; }

    public string Name { get; private set; } = "";
    public string RoleLabel { get; private set; } = "";
    public string Where { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (AssignmentId is null)
        {
            return Redirect("/schools");
        }

        var (assignment, _) = await LoadAsync(ct);
        return assignment is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (assignment, person) = await LoadAsync(ct);
        if (assignment is null || person is null)
        {
            return NotFound();
        }

        if (assignment.PersonId == current.PersonId && assignment.Role == Role.Administrator)
        {
            ModelState.AddModelError("", "You cannot remove your own administrator role: ask another administrator");
            return Page();
        }

        if (!Confirm)
        {
            return Page();
        }

        db.RoleAssignments.Remove(assignment);
        await SignInService.EndSessionsAsync(db, [person.Id], ct);
        audit.Record(db, await current.ActorAsync(ct), "person.role-removed", "person", person.Id, $"{person.FullName} no longer holds the role {assignment.Role.Label()}",
            before: new { Role = assignment.Role.Code(), assignment.SchoolId }, schoolId: assignment.SchoolId);
        await db.SaveChangesAsync(ct);
        TempData["Success"] = $"Removed {assignment.Role.Label()} from {person.FullName}.";
        return Redirect("/schools");
    }

    private async Task<(RoleAssignment? Assignment, Person? Person)> LoadAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync([Role.Administrator], ct);
        var assignment = await db.RoleAssignments.FirstOrDefaultAsync(r => r.Id == AssignmentId, ct);
        if (assignment is null || (assignment.SchoolId is { } sid ? !scope.Includes(sid) : !scope.AllSchools))
        {
            return (null, null);
        }

        var person = await db.People.AsNoTracking().FirstAsync(p => p.Id == assignment.PersonId, ct);
        Name = person.FullName;
        RoleLabel = assignment.Role.Label();
        Where = assignment.SchoolId is { } school ? await db.Schools.Where(s => s.Id == school).Select(s => s.Name).FirstAsync(ct) : "the whole trust";
        return (assignment, person);
    }
}
