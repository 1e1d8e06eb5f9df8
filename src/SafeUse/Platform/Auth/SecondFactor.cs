using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Features.Schools;

namespace SafeUse.Platform.Auth;

/// <summary>The kinds of second factor. Stored by name, so passkeys (WebAuthn) can join as another kind with their own columns.</summary>
internal enum SecondFactorKind
{
    /// <summary>An authenticator app: RFC 6238 codes, six digits every 30 seconds.</summary>
    Totp,
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

    public DateTime? ConfirmedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
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
        b.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId);
        b.HasIndex(f => f.PersonId);
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
