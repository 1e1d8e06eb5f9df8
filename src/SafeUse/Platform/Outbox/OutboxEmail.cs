namespace SafeUse.Platform.Outbox;

internal enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
}

internal sealed class OutboxEmail
{
    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string ToAddress { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>Holds a secret (a sign-in link): delivered, but never shown in the outbox page.</summary>
    public bool Sensitive { get; set; }

    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }

    /// <summary>A sender holds the message until this time, so two senders never send it at once.</summary>
    public DateTime? LeasedUntil { get; set; }

    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }
}
