namespace SafeUse.Platform.Audit;

internal sealed class AuditEvent
{
    /// <summary>Position in the hash chain: contiguous from 1, assigned when saved.</summary>
    public long Seq { get; set; }

    public DateTime At { get; set; }
    public long? ActorPersonId { get; set; }
    public required string ActorName { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    public long? SchoolId { get; set; }
    public required string Summary { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";

    /// <summary>The audit key this event's HMAC was made with; null for an event written before the chain was keyed (plain SHA-256).</summary>
    public string? KeyId { get; set; }
}
