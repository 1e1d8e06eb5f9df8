namespace SafeUse.Features.People;

/// <summary>An uploaded staff file between preview and confirmation; applied at most once.</summary>
internal sealed class StaffImport
{
    public long Id { get; set; }
    public long SchoolId { get; set; }
    public required string FileName { get; set; }
    public required string Content { get; set; }

    /// <summary>JSON: column index to field name, as confirmed on the mapping step.</summary>
    public string? MappingJson { get; set; }

    public long? CreatedByPersonId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AppliedAt { get; set; }
}
