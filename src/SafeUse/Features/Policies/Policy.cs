using SafeUse.Features.People;

namespace SafeUse.Features.Policies;

internal enum PolicyScope
{
    Trust,
    Schools,
}

internal enum AudienceKind
{
    Role,
    EmploymentType,
    StaffGroup,

    /// <summary>Reserved so pupils and parents can be signers later without a schema change.</summary>
    Pupils,
    Parents,
}

internal sealed class Policy
{
    public long Id { get; set; }
    public long TrustId { get; set; }
    public required string Title { get; set; }
    public PolicyScope Scope { get; set; }

    /// <summary>The owner is a role (in each school of the scope) or a named person; queries and review notices go there.</summary>
    public Role? OwnerRole { get; set; }

    public long? OwnerPersonId { get; set; }
    public string? Originator { get; set; }
    public string? ApprovalBody { get; set; }

    // Dates as the school wrote them ("Summer Term 2024") beside the date SafeUse computes with.
    public string? ApprovedText { get; set; }
    public DateOnly? ApprovedOn { get; set; }
    public string? AdoptedText { get; set; }
    public DateOnly? AdoptedOn { get; set; }
    public string? LastReviewText { get; set; }
    public DateOnly? LastReviewOn { get; set; }
    public string? NextReviewText { get; set; }
    public DateOnly? NextReviewOn { get; set; }

    public int? ReviewCycleMonths { get; set; } = 12;
    public bool ReviewOnLawChange { get; set; }
    public string? Legislation { get; set; }
    public string? Dissemination { get; set; }

    /// <summary>Days a member of staff has to sign from their request.</summary>
    public int SignWithinDays { get; set; } = 14;

    /// <summary>Reminder and escalation steps, e.g. "7:person, 14:person, due:line-manager, due+7:head" (see ReminderSchedule).</summary>
    public string ReminderSchedule { get; set; } = Policies.ReminderSchedule.Default;

    /// <summary>A day each year ("1 September") when everyone re-confirms the version in force, as the school wrote it.</summary>
    public string? ReconfirmText { get; set; }

    /// <summary>That day as month * 100 + day.</summary>
    public int? ReconfirmMonthDay { get; set; }

    /// <summary>The next-review date a "review due" notice was last sent for, so it is sent once per review.</summary>
    public DateOnly? ReviewNoticeSentFor { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public List<PolicySchool> Schools { get; set; } = [];
    public List<PolicyAudience> Audience { get; set; } = [];
    public List<PolicyLink> Links { get; set; } = [];
}

internal sealed class PolicySchool
{
    public long PolicyId { get; set; }
    public long SchoolId { get; set; }
}

internal sealed class PolicyAudience
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public AudienceKind Kind { get; set; }
    public required string Value { get; set; }
}

internal sealed class PolicyLink
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public long? LinkedPolicyId { get; set; }
    public required string Title { get; set; }
    public string? Url { get; set; }
}

internal enum VersionStatus
{
    Draft,
    Published,
    Superseded,
}

internal enum ChangeKind
{
    /// <summary>Wording or layout only: nobody signs again.</summary>
    Editorial,

    /// <summary>The audience must sign again.</summary>
    Material,
}

internal sealed class PolicyVersion
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public required string Number { get; set; }
    public VersionStatus Status { get; set; }
    public ChangeKind Kind { get; set; } = ChangeKind.Material;
    public string? ChangeSummary { get; set; }

    /// <summary>The policy's text as Markdown: what is shown, signed and hashed.</summary>
    public required string Markdown { get; set; }

    /// <summary>The clause structure with stable clause ids, as JSON.</summary>
    public string? StructureJson { get; set; }

    public required string Declaration { get; set; }

    /// <summary>SHA-256 of the exact text shown to signers (Markdown plus declaration), set on publishing.</summary>
    public string? TextSha256 { get; set; }

    public string? ApprovedBy { get; set; }
    public DateOnly? ApprovedOn { get; set; }
    public DateTime? PublishedAt { get; set; }
    public long? PublishedByPersonId { get; set; }
    public string? Author { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}
