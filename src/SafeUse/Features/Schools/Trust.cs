namespace SafeUse.Features.Schools;

internal sealed class Trust
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Governors read registers as totals per school; this lets them see who has signed, by name.</summary>
    public bool GovernorsSeeNames { get; set; }
}

internal sealed class School
{
    public const string DefaultTimeZone = "Europe/London";

    public long Id { get; set; }
    public long TrustId { get; set; }
    public required string Name { get; set; }

    /// <summary>The DfE Unique Reference Number: six digits.</summary>
    public string? Urn { get; set; }

    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>Two to five capital letters that begin the school's incident references (HIL-2026-0042); from its name if not set.</summary>
    public string? ReferenceCode { get; set; }
    public DateTime CreatedAt { get; set; }
}
