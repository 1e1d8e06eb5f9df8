using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

[Authorize(Policy = AccessPolicies.PeopleReaders)]
internal sealed class DetailsModel(AppDbContext db, CurrentUser current) : PageModel
{
    public Person Person { get; private set; } = null!;
    public Person? Manager { get; private set; }
    public List<string> SchoolNames { get; } = [];
    public List<string> RoleLines { get; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var scope = await current.ScopeAsync(Roles.PeopleReaders, ct);
        var person = await db.People.AsNoTracking().Include(p => p.Schools).Include(p => p.Roles).FirstOrDefaultAsync(p => p.Id == id, ct);
        // Someone outside the reader's schools is "not found", so their existence is not revealed either.
        if (person is null || !(scope.AllSchools || person.Schools.Any(s => scope.Includes(s.SchoolId))))
        {
            return NotFound();
        }

        Person = person;
        Manager = person.LineManagerId is { } mid ? await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == mid, ct) : null;
        var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        SchoolNames.AddRange(person.Schools.Select(s => schools.GetValueOrDefault(s.SchoolId) ?? "?"));
        RoleLines.AddRange(person.Roles.OrderBy(r => r.Role).Select(r => $"{r.Role.Label()}, {(r.SchoolId is { } sid ? schools.GetValueOrDefault(sid) : "whole trust")}"));
        return Page();
    }
}
