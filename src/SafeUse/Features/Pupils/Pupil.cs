using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.Schools;

namespace SafeUse.Features.Pupils;

/// <summary>A pupil of one school, from the MIS pupil CSV. Leavers are kept (consent and agreement records point at them) and never chased.</summary>
internal sealed class Pupil
{
    public long Id { get; set; }
    public long TrustId { get; set; }
    public long SchoolId { get; set; }

    /// <summary>The DfE unique pupil number: a check letter and 12 digits (<see cref="Upn"/>), upper case.</summary>
    public required string Upn { get; set; }

    public required string LegalGivenName { get; set; }
    public required string LegalFamilyName { get; set; }
    public string? PreferredGivenName { get; set; }
    public string? PreferredFamilyName { get; set; }

    /// <summary>-1 Nursery, 0 Reception, 1 to 13 for Year 1 to Year 13 (<see cref="YearGroups"/>).</summary>
    public int YearGroup { get; set; }

    public DateOnly? DateOfBirth { get; set; }
    public string? NetworkUserName { get; set; }
    public string? NetworkUserNameNormalized { get; set; }
    public bool IsLeaver { get; set; }
    public DateTime? LeftAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public List<PupilContact> Contacts { get; set; } = [];

    public string GivenName => PreferredGivenName ?? LegalGivenName;
    public string FamilyName => PreferredFamilyName ?? LegalFamilyName;
    public string FullName => $"{GivenName} {FamilyName}";
}

/// <summary>A parent or carer of a pupil, as the MIS lists them (in its priority order).</summary>
internal sealed class PupilContact
{
    public long Id { get; set; }
    public long PupilId { get; set; }
    public int Position { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? Relationship { get; set; }
    public bool ParentalResponsibility { get; set; }
}

/// <summary>An uploaded pupil file between preview and confirmation; applied at most once.</summary>
internal sealed class PupilImport
{
    public long Id { get; set; }
    public long SchoolId { get; set; }
    public required string FileName { get; set; }
    public required string Content { get; set; }
    public long? CreatedByPersonId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AppliedAt { get; set; }
}

internal sealed class PupilConfiguration : IEntityTypeConfiguration<Pupil>
{
    public void Configure(EntityTypeBuilder<Pupil> b)
    {
        b.HasKey(p => p.Id);
        b.Ignore(p => p.GivenName);
        b.Ignore(p => p.FamilyName);
        b.Ignore(p => p.FullName);
        b.Property(p => p.Upn).HasMaxLength(13);
        b.Property(p => p.LegalGivenName).HasMaxLength(100);
        b.Property(p => p.LegalFamilyName).HasMaxLength(100);
        b.Property(p => p.PreferredGivenName).HasMaxLength(100);
        b.Property(p => p.PreferredFamilyName).HasMaxLength(100);
        b.Property(p => p.NetworkUserName).HasMaxLength(People.NetworkNames.MaxLength);
        b.Property(p => p.NetworkUserNameNormalized).HasMaxLength(People.NetworkNames.MaxLength);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne<Trust>().WithMany().HasForeignKey(p => p.TrustId);
        b.HasOne<School>().WithMany().HasForeignKey(p => p.SchoolId);
        b.HasMany(p => p.Contacts).WithOne().HasForeignKey(c => c.PupilId);
        b.HasIndex(p => new { p.SchoolId, p.Upn }).IsUnique();
        b.HasIndex(p => new { p.TrustId, p.NetworkUserNameNormalized });
        b.HasIndex(p => new { p.LegalFamilyName, p.LegalGivenName });
    }
}

internal sealed class PupilContactConfiguration : IEntityTypeConfiguration<PupilContact>
{
    public void Configure(EntityTypeBuilder<PupilContact> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Relationship).HasMaxLength(100);
        b.HasIndex(c => c.PupilId);
    }
}

internal sealed class PupilImportConfiguration : IEntityTypeConfiguration<PupilImport>
{
    public void Configure(EntityTypeBuilder<PupilImport> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.FileName).HasMaxLength(260);
        b.HasOne<School>().WithMany().HasForeignKey(i => i.SchoolId);
    }
}
