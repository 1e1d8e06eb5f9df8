using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SafeUse.Features.Schools;

internal sealed class TrustConfiguration : IEntityTypeConfiguration<Trust>
{
    public void Configure(EntityTypeBuilder<Trust> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(200);
    }
}

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Urn).HasMaxLength(6);
        b.Property(s => s.ReferenceCode).HasMaxLength(5);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.HasOne<Trust>().WithMany().HasForeignKey(s => s.TrustId);
        b.HasIndex(s => s.Urn).IsUnique();
    }
}
