using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Features.Schools;

namespace SafeUse.Platform.Auth;

/// <summary>The kinds of second factor, stored by name.</summary>
internal enum SecondFactorKind
{
    /// <summary>An authenticator app: RFC 6238 codes, six digits every 30 seconds.</summary>
    Totp,

    /// <summary>A passkey or security key (WebAuthn): a key pair whose private half never leaves the authenticator.</summary>
    Passkey,
}

/// <summary>
/// One second factor of a person. A factor is unconfirmed (<see cref="ConfirmedAt"/> null) between showing its QR
/// code and the first right code, and counts for nothing until confirmed.
/// </summary>
internal sealed class SecondFactor
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public SecondFactorKind Kind { get; set; }

    /// <summary>What the person sees it called ("Authenticator app").</summary>
    public required string Label { get; set; }

    /// <summary>A TOTP factor's shared secret, sealed with ASP.NET Data Protection (<see cref="SecondFactorService.SecretPurpose"/>).</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>The last TOTP time step accepted: a code for this step or an earlier one is refused, so each code works once.</summary>
    public long? LastTimeStep { get; set; }

    /// <summary>A demo account's factor, whose current code the demo's sign-in page shows (in demo mode only).</summary>
    public bool Demo { get; set; }

    /// <summary>A passkey's credential id, base64url (what the browser names it by; unique).</summary>
    public string? CredentialId { get; set; }

    /// <summary>A passkey's public key, COSE-encoded as the authenticator gave it.</summary>
    public byte[]? PublicKey { get; set; }

    /// <summary>
    /// The passkey's signature counter when last used. One that comes back lower (and is not zero, which authenticators
    /// that keep no counter always send) may be a cloned key, and is refused.
    /// </summary>
    public long SignCount { get; set; }

    /// <summary>
    /// The WebAuthn user handle the passkey was made for: 32 random bytes per person, the same for all their passkeys,
    /// never their id or email (the authenticator keeps it, and anyone holding the key could read it).
    /// </summary>
    public byte[]? UserHandle { get; set; }

    /// <summary>The authenticator's model (all zeros for most passkeys, since SafeUse asks for no attestation).</summary>
    public string? Aaguid { get; set; }

    /// <summary>How the browser says it can reach the authenticator ("internal", "usb", "hybrid"...), comma-separated.</summary>
    public string? Transports { get; set; }

    /// <summary>The passkey may be synced to other devices (a password manager, iCloud Keychain, Google Password Manager).</summary>
    public bool BackupEligible { get; set; }

    public bool BackedUp { get; set; }

    public DateTime? ConfirmedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One WebAuthn ceremony in progress: the options (with their challenge) sent to the browser, kept server-side so the
/// answer is checked against what was asked. The browser holds only the random id, in a short-lived cookie; the row
/// is deleted when the answer comes (used once), and expires after <see cref="PasskeyService.CeremonyLifetime"/>.
/// </summary>
internal sealed class PasskeyCeremony
{
    /// <summary>SHA-256 of the id in the cookie, hex, so a copy of the table gives no live ceremony.</summary>
    public required string Id { get; set; }

    /// <summary>"register", "verify" (a signed-in person's second factor) or "sign-in" (usernameless).</summary>
    public required string Purpose { get; set; }

    /// <summary>Whose ceremony it is (null for a sign-in, where nobody is known until the passkey says).</summary>
    public long? PersonId { get; set; }

    public required string Options { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>A single-use recovery code, stored as a salted PBKDF2 hash: the code itself is shown once and kept nowhere.</summary>
internal sealed class RecoveryCode
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public required string Hash { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A role a trust adds to those that must have a second factor (<see cref="SecondFactorService.RequiredRoles"/>).</summary>
internal sealed class SecondFactorRole
{
    public long TrustId { get; set; }
    public Role Role { get; set; }
}

internal sealed class SecondFactorConfiguration : IEntityTypeConfiguration<SecondFactor>
{
    public void Configure(EntityTypeBuilder<SecondFactor> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Kind).HasMaxLength(32);
        b.Property(f => f.Label).HasMaxLength(100);
        b.Property(f => f.CredentialId).HasMaxLength(1400);
        b.Property(f => f.Aaguid).HasMaxLength(36);
        b.Property(f => f.Transports).HasMaxLength(200);
        b.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId);
        b.HasIndex(f => f.PersonId);
        b.HasIndex(f => f.CredentialId).IsUnique();
    }
}

internal sealed class PasskeyCeremonyConfiguration : IEntityTypeConfiguration<PasskeyCeremony>
{
    public void Configure(EntityTypeBuilder<PasskeyCeremony> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.Purpose).HasMaxLength(16);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Hash).HasMaxLength(200);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId);
        b.HasIndex(c => c.PersonId);
    }
}

internal sealed class SecondFactorRoleConfiguration : IEntityTypeConfiguration<SecondFactorRole>
{
    public void Configure(EntityTypeBuilder<SecondFactorRole> b)
    {
        b.HasKey(r => new { r.TrustId, r.Role });
        b.Property(r => r.Role).HasMaxLength(32);
        b.HasOne<Trust>().WithMany().HasForeignKey(r => r.TrustId);
    }
}
