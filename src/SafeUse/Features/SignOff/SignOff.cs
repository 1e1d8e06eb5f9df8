namespace SafeUse.Features.SignOff;

internal enum RequestStatus
{
    Outstanding,
    Signed,
    Query,

    /// <summary>A newer version replaced this request.</summary>
    Superseded,

    /// <summary>The person left: no longer chased, the record stays.</summary>
    Stopped,
}

internal enum SignMethod
{
    SelfService,

    /// <summary>On a shared device at school, watched by a named colleague, for staff without email.</summary>
    InPersonWitnessed,
}

/// <summary>One person's request to sign one version, with their own due date.</summary>
internal sealed class SignOffRequest
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public long PolicyVersionId { get; set; }
    public long PersonId { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateOnly DueOn { get; set; }
    public RequestStatus Status { get; set; }
    public DateTime? ClosedAt { get; set; }
}

/// <summary>Evidence of a signature. Never updated or deleted; written with its audit event.</summary>
internal sealed class Signature
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public long PolicyVersionId { get; set; }
    public long PersonId { get; set; }
    public DateTime SignedAt { get; set; }
    public required string TextSha256 { get; set; }
    public required string Declaration { get; set; }
    public required string TypedName { get; set; }
    public SignMethod Method { get; set; }
    public long? WitnessPersonId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
}

internal sealed class PolicyQuery
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public long PolicyVersionId { get; set; }
    public long PersonId { get; set; }
    public required string Question { get; set; }
    public DateTime AskedAt { get; set; }
    public string? Answer { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public long? AnsweredByPersonId { get; set; }
}

/// <summary>A reminder sent by hand ("send a reminder now"); the key (request, day) allows one a day for each request.</summary>
internal sealed class ManualReminder
{
    public long RequestId { get; set; }
    public DateOnly SentOn { get; set; }
    public long? SentByPersonId { get; set; }
    public DateTime SentAt { get; set; }
}

/// <summary>One reminder or escalation step sent for one request: the unique key makes a step impossible to send twice.</summary>
internal sealed class ReminderSent
{
    public long Id { get; set; }
    public long RequestId { get; set; }
    public int Step { get; set; }
    public DateTime SentAt { get; set; }
}
