namespace SafeUse.Features.People;

/// <summary>The canonical roles of DOMAIN.md §1; schools' own names for them are labels only.</summary>
internal enum Role
{
    Staff,
    LineManager,
    SeniorLeader,
    Head,
    ExecutiveLeader,
    Dsl,
    DeputyDsl,
    OnlineSafetyLead,
    ItLead,
    Dpo,
    Governor,

    /// <summary>Chair of a school's governing body, or with no school the trust's chair: the case manager when the Head is the subject of an allegation.</summary>
    ChairOfGovernors,
    Administrator,
}

internal static class Roles
{
    public static string Code(this Role role) => role switch
    {
        Role.Staff => "staff",
        Role.LineManager => "line-manager",
        Role.SeniorLeader => "senior-leader",
        Role.Head => "head",
        Role.ExecutiveLeader => "executive-leader",
        Role.Dsl => "dsl",
        Role.DeputyDsl => "deputy-dsl",
        Role.OnlineSafetyLead => "online-safety-lead",
        Role.ItLead => "it-lead",
        Role.Dpo => "dpo",
        Role.Governor => "governor",
        Role.ChairOfGovernors => "chair-of-governors",
        Role.Administrator => "administrator",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static string Label(this Role role) => role switch
    {
        Role.Staff => "Staff",
        Role.LineManager => "Line manager",
        Role.SeniorLeader => "Senior leader",
        Role.Head => "Head",
        Role.ExecutiveLeader => "Executive leader",
        Role.Dsl => "Designated Safeguarding Lead",
        Role.DeputyDsl => "Deputy DSL",
        Role.OnlineSafetyLead => "Online safety lead",
        Role.ItLead => "IT lead",
        Role.Dpo => "Data Protection Officer",
        Role.Governor => "Governor",
        Role.ChairOfGovernors => "Chair of Governors",
        Role.Administrator => "Administrator",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static readonly IReadOnlyList<Role> All = Enum.GetValues<Role>();

    public static bool TryParse(string? code, out Role role)
    {
        foreach (var r in All)
        {
            if (string.Equals(r.Code(), code?.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(r.ToString(), code?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = r;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>Roles that may see people's records of a school (not every member of staff may).</summary>
    public static readonly Role[] PeopleReaders =
        [Role.Administrator, Role.Head, Role.ExecutiveLeader, Role.SeniorLeader, Role.Dsl, Role.DeputyDsl, Role.OnlineSafetyLead, Role.ItLead];
}
