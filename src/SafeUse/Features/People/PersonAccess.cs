using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

internal enum PersonAccessLevel
{
    /// <summary>None of the person's schools is the administrator's: their existence is not revealed.</summary>
    Hidden,

    /// <summary>The administrator sees the person but may not change them (another school, or a trust-wide role).</summary>
    ReadOnly,

    Change,
}

/// <summary>Who may add, edit or mark as a leaver whom: the staff import's rules (<see cref="ImportAuthority"/>), for one person.</summary>
internal static class PersonAccess
{
    public static async Task<ImportAuthority> AuthorityAsync(CurrentUser current, CancellationToken ct) =>
        new(await current.ScopeAsync([Role.Administrator], ct), current.PersonId);

    public static PersonAccessLevel Level(ImportAuthority authority, Person p) =>
        !(authority.Schools.AllSchools || p.Schools.Any(s => authority.Schools.Includes(s.SchoolId))) ? PersonAccessLevel.Hidden
        : authority.MayChange(p) ? PersonAccessLevel.Change
        : PersonAccessLevel.ReadOnly;

    /// <summary>The schools the administrator may put people in.</summary>
    public static Task<List<School>> SchoolsAsync(AppDbContext db, ImportAuthority authority, CancellationToken ct) =>
        db.Schools.AsNoTracking().Where(s => authority.Schools.AllSchools || authority.Schools.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);

    /// <summary>The person, tracked with their schools and roles, for a change.</summary>
    public static Task<Person?> LoadAsync(AppDbContext db, long id, CancellationToken ct) =>
        db.People.Include(p => p.Schools).Include(p => p.Roles).Include(p => p.NetworkNames).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);
}
