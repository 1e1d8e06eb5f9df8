using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SafeUse.Platform.Outbox;

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.ToAddress).HasMaxLength(254);
        b.Property(e => e.Subject).HasMaxLength(300);
        b.Property(e => e.Status).HasMaxLength(16);
        b.HasIndex(e => new { e.Status, e.NextAttemptAt });
    }
}
