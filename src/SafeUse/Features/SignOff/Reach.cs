using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.SignOff;

/// <summary>
/// Whom a person may act for on a policy, in person (witnessed signing) or by chasing (a reminder now): those who
/// lead a school (an administrator, Head, executive or senior leader, online safety lead) for anyone in the schools
/// where they hold that role; a line manager for their own team only.
/// </summary>
internal sealed record Reach(bool Whole, bool AllSchools, IReadOnlyList<long> SchoolIds, bool Team, long MeId)
{
    public static readonly Role[] LeaderRoles = [.. PolicyAccess.ManagerRoles, Role.SeniorLeader];

    /// <summary>The reach on this policy, or null when the person may act for no one on it.</summary>
    public static async Task<Reach?> OnAsync(CurrentUser current, Policy policy, CancellationToken ct)
    {
        var leader = await current.ScopeAsync(LeaderRoles, ct);
        var manager = await current.ScopeAsync([Role.LineManager], ct);
        var whole = PolicyAccess.CanSee(policy, leader);
        var team = PolicyAccess.CanSee(policy, manager);
        return whole || team ? new Reach(whole, leader.AllSchools, leader.SchoolIds.ToList(), team, current.PersonId!.Value) : null;
    }

    public IQueryable<Person> Filter(IQueryable<Person> people)
    {
        var (whole, all, schoolIds, team, me) = (Whole, AllSchools, SchoolIds, Team, MeId);
        return people.Where(p => (whole && (all || p.Schools.Any(s => schoolIds.Contains(s.SchoolId)))) || (team && p.LineManagerId == me));
    }
}
