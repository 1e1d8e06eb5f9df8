namespace SafeUse.Platform.Auth;

/// <summary>
/// A person's way in. Kept apart from Person so Microsoft 365 or Google sign-in (ExternalLogin) and a second factor
/// can be attached later without touching people's records.
/// </summary>
internal sealed class Account
{
    public long PersonId { get; set; }
    public string? PasswordHash { get; set; }
    public int FailedCount { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime? LastSignInAt { get; set; }

    /// <summary>Changes when the password changes, so other sessions' cookies stop working.</summary>
    public required string SecurityStamp { get; set; }

    public bool SecondFactorEnabled { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class ExternalLogin
{
    public long Id { get; set; }
    public long PersonId { get; set; }

    /// <summary>e.g. "microsoft" or "google".</summary>
    public required string Provider { get; set; }

    /// <summary>The provider's stable identifier for the account (the id token's <c>sub</c>): matched on every later sign-in.</summary>
    public required string Subject { get; set; }

    /// <summary>The work email the link was made by, as the provider gave it then (the person's email may change later).</summary>
    public string? Email { get; set; }

    /// <summary>When the link was made.</summary>
    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }
}

internal sealed class SignInLink
{
    public long Id { get; set; }
    public long PersonId { get; set; }

    /// <summary>SHA-256 of the token: the token itself exists only in the email.</summary>
    public required string TokenHash { get; set; }

    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Failed sign-ins counted per email address (existing or not) so the response never reveals which exist.</summary>
internal sealed class SignInThrottle
{
    public required string Key { get; set; }
    public int Failures { get; set; }
    public DateTime WindowStart { get; set; }
    public DateTime? LockedUntil { get; set; }
}
