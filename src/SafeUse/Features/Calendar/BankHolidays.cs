using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Calendar;

/// <summary>The bank holidays of a region, as <see cref="WorkingDays"/> wants them.</summary>
internal sealed class BankHolidays(AppDbContext db)
{
    public async Task<IReadOnlySet<DateOnly>> ForRegionAsync(string region = BankHoliday.EnglandAndWales, CancellationToken ct = default)
    {
        var days = await db.Set<BankHoliday>().AsNoTracking().Where(h => h.Region == region).Select(h => h.Date).ToListAsync(ct);
        return days.ToHashSet();
    }
}
