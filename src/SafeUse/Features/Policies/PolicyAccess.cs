using SafeUse.Features.People;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Policies;

/// <summary>Who may manage policies and read registers, and in which schools.</summary>
internal static class PolicyAccess
{
    public const string Managers = "PolicyManagers";
    public const string RegisterReaders = "RegisterReaders";

    public static readonly Role[] ManagerRoles = [Role.Administrator, Role.OnlineSafetyLead, Role.Head, Role.ExecutiveLeader];

    public static readonly Role[] ReaderRoles = [.. ManagerRoles, Role.SeniorLeader, Role.Dsl, Role.DeputyDsl, Role.ItLead, Role.Governor, Role.ChairOfGovernors, Role.Dpo, Role.LineManager];

    /// <summary>Roles that see every person of their schools in a register (a line manager sees only their team).</summary>
    public static readonly Role[] WholeSchoolReaderRoles = [.. ManagerRoles, Role.SeniorLeader, Role.Dsl, Role.DeputyDsl, Role.Governor, Role.ChairOfGovernors, Role.Dpo];

    /// <summary>Roles that see the policies list with its totals per school: whole-school readers, and IT leads (who see no one's receipts).</summary>
    public static readonly Role[] ListReaderRoles = [.. WholeSchoolReaderRoles, Role.ItLead];

    /// <summary>Governors (the chair too) read totals; names only where the trust allows it.</summary>
    public static readonly Role[] GovernorRoles = [Role.Governor, Role.ChairOfGovernors];

    /// <summary>Roles that may own a policy without managing it, and so read and answer the queries they are emailed about.</summary>
    public static readonly Role[] QueryOwnerRoles = [Role.Dsl, Role.DeputyDsl, Role.Dpo, Role.ItLead, Role.SeniorLeader];

    /// <summary>A trust-wide policy is managed trust-wide; a schools policy by someone who manages all its schools.</summary>
    public static bool CanManage(Policy policy, SchoolScope scope) =>
        scope.AllSchools || (policy.Scope == PolicyScope.Schools && policy.Schools.Count > 0 && policy.Schools.All(s => scope.Includes(s.SchoolId)));

    /// <summary>An empty scope (no role of the kind asked about) sees nothing, not even a trust-wide policy.</summary>
    public static bool CanSee(Policy policy, SchoolScope scope) =>
        !scope.IsEmpty && (scope.AllSchools || policy.Scope == PolicyScope.Trust || policy.Schools.Any(s => scope.Includes(s.SchoolId)));
}
