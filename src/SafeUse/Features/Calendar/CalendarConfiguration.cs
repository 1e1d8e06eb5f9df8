using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SafeUse.Features.Calendar;

internal sealed class BankHolidayConfiguration : IEntityTypeConfiguration<BankHoliday>
{
    public const int NameLength = 100;

    public void Configure(EntityTypeBuilder<BankHoliday> b)
    {
        b.HasKey(h => h.Id);
        b.Property(h => h.Name).HasMaxLength(NameLength);
        b.Property(h => h.Region).HasMaxLength(40);
        b.HasIndex(h => new { h.Region, h.Date }).IsUnique();
    }
}
