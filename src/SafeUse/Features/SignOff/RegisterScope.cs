using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

/// <summary>
/// Whose sign-off a reader may see in a policy's register, and whom by name: whole-school readers every person of the
/// schools where they hold such a role, a line manager (who holds none for the policy's schools) their own team. A governor's role counts for
/// totals only, unless the trust lets governors see names; a reader left with no one to see by name gets totals only.
/// </summary>
internal sealed record RegisterScope(SchoolScope Schools, SchoolScope Named, bool Team, long MeId)
{
    /// <summary>Whole-school readers who see people by name whatever the trust's setting: all but governors.</summary>
    public static readonly Role[] NamedReaderRoles = PolicyAccess.WholeSchoolReaderRoles.Except(PolicyAccess.GovernorRoles).ToArray();

    /// <summary>The reader's scope on this policy's register, or null when they may not read it.</summary>
    public static async Task<RegisterScope?> OnAsync(AppDbContext db, CurrentUser current, Policy policy, CancellationToken ct)
    {
        var me = current.PersonId!.Value;
        var whole = await current.ScopeAsync(PolicyAccess.WholeSchoolReaderRoles, ct);
        if (PolicyAccess.CanSee(policy, whole))
        {
            return new(whole, await NamedScopeAsync(db, current, ct), false, me);
        }

        return PolicyAccess.CanSee(policy, await current.ScopeAsync([Role.LineManager], ct)) ? new(SchoolScope.None, SchoolScope.None, true, me) : null;
    }

    /// <summary>The schools whose people the reader may see by name in registers and receipts.</summary>
    public static async Task<SchoolScope> NamedScopeAsync(AppDbContext db, CurrentUser current, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var governorsSeeNames = await db.Trusts.AsNoTracking().Where(t => t.Id == me.TrustId).Select(t => t.GovernorsSeeNames).FirstOrDefaultAsync(ct);
        return await current.ScopeAsync(governorsSeeNames ? PolicyAccess.WholeSchoolReaderRoles : NamedReaderRoles, ct);
    }

    /// <summary>A governor (with no other reading role) in a trust that keeps names from governors.</summary>
    public bool TotalsOnly => !Team && Named.IsEmpty;

    /// <summary>Everyone counted in this reader's totals.</summary>
    public IQueryable<Person> Counted(IQueryable<Person> people) => Within(people, Schools);

    /// <summary>Everyone this reader may see by name (no one when <see cref="TotalsOnly"/>).</summary>
    public IQueryable<Person> ByName(IQueryable<Person> people) => Within(people, Named);

    private IQueryable<Person> Within(IQueryable<Person> people, SchoolScope scope)
    {
        var me = MeId;
        if (Team)
        {
            return people.Where(p => p.LineManagerId == me);
        }

        if (scope.AllSchools)
        {
            return people;
        }

        var ids = scope.SchoolIds.ToList();
        return people.Where(p => p.Schools.Any(s => ids.Contains(s.SchoolId)));
    }
}
