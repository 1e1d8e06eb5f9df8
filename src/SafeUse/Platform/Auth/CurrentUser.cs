using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

/// <summary>The schools a person may act in for a purpose: every school (a trust-wide role) or the listed ones.</summary>
internal sealed record SchoolScope(bool AllSchools, IReadOnlySet<long> SchoolIds)
{
    public static readonly SchoolScope None = new(false, new HashSet<long>());

    public bool Includes(long schoolId) => AllSchools || SchoolIds.Contains(schoolId);

    public bool IsEmpty => !AllSchools && SchoolIds.Count == 0;
}

/// <summary>The signed-in person and their role assignments, loaded once per request.</summary>
internal sealed class CurrentUser(IHttpContextAccessor http, AppDbContext db)
{
    private (Person Person, List<RoleAssignment> Roles)? loaded;

    public long? PersonId =>
        long.TryParse(http.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public async Task<bool> IsSignedInAsync(CancellationToken ct) => await LoadAsync(ct) is not null;

    public async Task<Person> PersonAsync(CancellationToken ct) =>
        (await LoadAsync(ct))?.Person ?? throw new InvalidOperationException("No one is signed in.");

    public async Task<Actor> ActorAsync(CancellationToken ct)
    {
        var p = await PersonAsync(ct);
        return new Actor(p.Id, p.FullName);
    }

    public async Task<bool> HasAnyAsync(IEnumerable<Role> roles, CancellationToken ct)
    {
        var state = await LoadAsync(ct);
        return state is not null && state.Value.Roles.Any(r => roles.Contains(r.Role));
    }

    /// <summary>Whether the incidents inbox is for them: they hold a role reports go to, or a report has been routed to them.</summary>
    public async Task<bool> HandlesIncidentsAsync(CancellationToken ct) =>
        await HasAnyAsync(Features.Incidents.Route.Receivers, ct)
        || (PersonId is { } me && await db.IncidentRecipients.AnyAsync(r => r.PersonId == me && r.NotifiedAt != null, ct));

    public async Task<SchoolScope> ScopeAsync(IEnumerable<Role> roles, CancellationToken ct)
    {
        var state = await LoadAsync(ct);
        if (state is null)
        {
            return SchoolScope.None;
        }

        var held = state.Value.Roles.Where(r => roles.Contains(r.Role)).ToList();
        if (held.Any(r => r.SchoolId is null))
        {
            return new SchoolScope(true, new HashSet<long>());
        }

        return new SchoolScope(false, held.Select(r => r.SchoolId!.Value).ToHashSet());
    }

    public async Task<IReadOnlyList<RoleAssignment>> RolesAsync(CancellationToken ct) =>
        (await LoadAsync(ct))?.Roles ?? [];

    private async Task<(Person Person, List<RoleAssignment> Roles)?> LoadAsync(CancellationToken ct)
    {
        if (loaded is not null || PersonId is not { } id)
        {
            return loaded;
        }

        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && !p.IsLeaver, ct);
        if (person is null)
        {
            return null;
        }

        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == id).ToListAsync(ct);
        loaded = (person, roles);
        return loaded;
    }
}
