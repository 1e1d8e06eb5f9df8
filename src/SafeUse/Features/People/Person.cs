namespace SafeUse.Features.People;

internal enum EmploymentType
{
    Permanent,
    Temporary,
    Contractor,
    Volunteer,
    Governor,
}

internal sealed class Person
{
    public long Id { get; set; }
    public long TrustId { get; set; }
    public required string GivenName { get; set; }
    public required string FamilyName { get; set; }
    public string? Email { get; set; }

    /// <summary>Lower-cased email so lookups ignore case on both providers.</summary>
    public string? EmailNormalized { get; set; }

    public string? StaffCode { get; set; }
    public EmploymentType EmploymentType { get; set; } = EmploymentType.Permanent;
    public string? JobTitle { get; set; }

    /// <summary>The school's own grouping, e.g. "Teaching", "Support", "Leadership": policies can be addressed to groups.</summary>
    public string? StaffGroup { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? LeaveDate { get; set; }
    public bool IsLeaver { get; set; }
    public long? LineManagerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: bumped on every edit.</summary>
    public int Version { get; set; }

    public List<PersonSchool> Schools { get; set; } = [];
    public List<RoleAssignment> Roles { get; set; } = [];
    public List<PersonNetworkName> NetworkNames { get; set; } = [];

    public string? NetworkUserName => NetworkNames.FirstOrDefault(n => n.IsPrimary)?.Name;

    public string FullName => $"{GivenName} {FamilyName}";

    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
}

internal sealed class PersonSchool
{
    public long PersonId { get; set; }
    public long SchoolId { get; set; }
}

internal sealed class RoleAssignment
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public Role Role { get; set; }

    /// <summary>Null means the role is held across the whole trust.</summary>
    public long? SchoolId { get; set; }
}
