using SafeUse.Features.People;

namespace SafeUse.Features.Incidents;

/// <summary>Who holds which role where, who manages whom and who has left: what routing reads, loaded once per report.</summary>
internal sealed record RoutingWorld(
    IReadOnlyList<RoleAssignment> Assignments,
    IReadOnlyDictionary<long, long?> LineManagers,
    IReadOnlySet<long> Leavers);

/// <summary>One person a report goes to: at which step of the route, and why (a role's code, or how a line manager came to it).</summary>
internal sealed record Recipient(long PersonId, int Step, string Reason);

/// <summary>
/// A school's route for a kind of report: recipients in order (role codes, or <see cref="LineManager"/> for the
/// reporter's line manager). Resolving it never gives a report to the person it is about: a role the subject holds
/// passes to the next level (DSL to Head; Head to Executive leader or Chair of Governors; line manager to their own
/// line manager or the Head), a role nobody holds does the same so a report never goes nowhere, and a person who
/// would receive it twice is named once, at the first step that reaches them. Deputy DSLs receive what the DSL does,
/// but not restricted records.
/// </summary>
internal static class Route
{
    public const string LineManager = "line-manager-of-reporter";
    public const string LineManagersManager = "line-manager-of-line-manager";

    public static string Code(Role role) => role.Code();

    public static bool IsValidRecipient(string code) => code == LineManager || (Roles.TryParse(code, out var r) && Receivers.Contains(r));

    /// <summary>Roles a report may be routed to (staff at large, administrators and governors who are not the chair receive none).</summary>
    public static readonly Role[] Receivers =
        [Role.Dsl, Role.OnlineSafetyLead, Role.Head, Role.SeniorLeader, Role.ItLead, Role.Dpo, Role.ExecutiveLeader, Role.ChairOfGovernors, Role.LineManager];

    public static IReadOnlyList<string> Parse(string stored) => stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Format(IEnumerable<string> recipients) => string.Join(',', recipients);

    /// <param name="schoolId">The school the report belongs to; null for the trust's central team.</param>
    /// <param name="caseManagement">A restricted record: the Head passes to the Chair of Governors first (KCSIE's case manager).</param>
    public static IReadOnlyList<Recipient> Resolve(IReadOnlyList<string> route, RoutingWorld world, long? schoolId, long reporterId, long? subjectId, bool caseManagement = false)
    {
        var result = new List<Recipient>();
        var named = new HashSet<long>();
        for (var step = 0; step < route.Count; step++)
        {
            foreach (var (personId, reason) in Reach(route[step], world, schoolId, reporterId, subjectId, caseManagement, depth: 0))
            {
                if (personId != subjectId && !world.Leavers.Contains(personId) && named.Add(personId))
                {
                    result.Add(new Recipient(personId, step, reason));
                }
            }
        }

        return result;
    }

    private static IEnumerable<(long PersonId, string Reason)> Reach(string token, RoutingWorld world, long? schoolId, long reporterId, long? subjectId, bool caseManagement, int depth)
    {
        if (depth > 6)
        {
            return [];
        }

        if (token == LineManager)
        {
            var manager = world.LineManagers.GetValueOrDefault(reporterId);
            if (manager is { } m && m != subjectId && !world.Leavers.Contains(m))
            {
                return [(m, LineManager)];
            }

            // The line manager is who it is about: their own line manager, or the Head.
            var above = manager is { } m2 ? world.LineManagers.GetValueOrDefault(m2) : null;
            if (manager is not null && above is { } a && a != subjectId && !world.Leavers.Contains(a))
            {
                return [(a, LineManagersManager)];
            }

            return Reach(Code(Role.Head), world, schoolId, reporterId, subjectId, caseManagement, depth + 1);
        }

        if (!Roles.TryParse(token, out var role))
        {
            return [];
        }

        // A deputy who is the subject is simply left out; the subject holding the role itself moves it up a level.
        var holders = Holders(role, world, schoolId, caseManagement);
        if (holders.Any(h => h.PersonId != subjectId) && !holders.Any(h => h.PersonId == subjectId && h.Reason == Code(role)))
        {
            return holders;
        }

        // The subject holds this role, or nobody does: the next level up.
        return Next(role, caseManagement) is { } next ? Reach(Code(next), world, schoolId, reporterId, subjectId, caseManagement, depth + 1) : [];
    }

    /// <summary>The level a role's reports pass to when it cannot take them.</summary>
    public static Role? Next(Role role, bool caseManagement = false) => role switch
    {
        Role.Dsl or Role.DeputyDsl => Role.Head,
        Role.Head when caseManagement => Role.ChairOfGovernors,
        Role.Head => Role.ExecutiveLeader,
        Role.ExecutiveLeader => Role.ChairOfGovernors,
        Role.ChairOfGovernors => null,
        _ => Role.Head,
    };

    /// <summary>
    /// Holders of a role for a school: at that school or trust-wide. The DSL's deputies receive what the DSL receives,
    /// except a restricted record (an allegation or low-level concern about staff), which KCSIE keeps to the case
    /// manager and the DSL themself.
    /// </summary>
    private static List<(long PersonId, string Reason)> Holders(Role role, RoutingWorld world, long? schoolId, bool caseManagement)
    {
        var roles = role == Role.Dsl && !caseManagement ? new[] { Role.Dsl, Role.DeputyDsl } : [role];
        var local = world.Assignments
            .Where(a => roles.Contains(a.Role) && !world.Leavers.Contains(a.PersonId) && (a.SchoolId == null || a.SchoolId == schoolId))
            .ToList();

        // A school's own chair before the trust's; the trust's chair when the school has none.
        if (role == Role.ChairOfGovernors && schoolId is not null && local.Any(a => a.SchoolId == schoolId))
        {
            local = local.Where(a => a.SchoolId == schoolId).ToList();
        }

        return local.OrderBy(a => a.Role == Role.DeputyDsl).ThenBy(a => a.PersonId)
            .Select(a => (a.PersonId, Code(a.Role))).DistinctBy(x => x.PersonId).ToList();
    }
}
