using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Calendar;

/// <summary>
/// The bank holidays that working-day deadlines step over, by year, with a form to add one. They hold for every
/// school in the trust, so only a trust-wide administrator changes them, and every change is audited.
/// </summary>
[Authorize(Policy = AccessPolicies.TrustAdministrators)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    public static readonly IReadOnlyList<string> FormOrder = ["Holiday.Date", "Holiday.Name"];

    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    public IReadOnlyList<IGrouping<int, BankHoliday>> Years { get; private set; } = [];

    [BindProperty]
    public BankHolidayForm Holiday { get; set; } = new();

    public static string Day(DateOnly date) => date.ToString("dddd d MMMM yyyy", EnGb);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var date = GovDate.Check(ModelState, "Holiday.Date", "Date", Holiday.Date.Day, Holiday.Date.Month, Holiday.Date.Year, DateShape.Exact, required: true).Value;
        var name = Holiday.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            ModelState.AddModelError("Holiday.Name", "Enter the name of the bank holiday");
        }
        else if (name.Length > BankHolidayConfiguration.NameLength)
        {
            ModelState.AddModelError("Holiday.Name", $"Name must be {BankHolidayConfiguration.NameLength} characters or fewer");
        }

        if (date is { } d && await db.Set<BankHoliday>().AsNoTracking().FirstOrDefaultAsync(h => h.Region == BankHoliday.EnglandAndWales && h.Date == d, ct) is { } existing)
        {
            AlreadyListed(existing);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        var holiday = new BankHoliday { Date = date!.Value, Name = name, Region = BankHoliday.EnglandAndWales };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Set<BankHoliday>().Add(holiday);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
            {
                // Added by someone else between the check above and this save.
                await tx.RollbackAsync(ct);
                AlreadyListed(await db.Set<BankHoliday>().AsNoTracking().FirstAsync(h => h.Region == holiday.Region && h.Date == holiday.Date, ct));
                db.ChangeTracker.Clear();
                await LoadAsync(ct);
                return Page();
            }

            audit.Record(db, await current.ActorAsync(ct), "bank-holiday.added", "bank_holiday", holiday.Id,
                $"Added the bank holiday {holiday.Name} on {Day(holiday.Date)}", after: new { holiday.Date, holiday.Name, holiday.Region });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        TempData["Success"] = $"Added {holiday.Name} on {Day(holiday.Date)}.";
        return RedirectToPage();
    }

    private void AlreadyListed(BankHoliday existing) =>
        ModelState.AddModelError("Holiday.Date.Day", $"{Day(existing.Date)} is already a bank holiday: {existing.Name}");

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = await db.Set<BankHoliday>().AsNoTracking().Where(h => h.Region == BankHoliday.EnglandAndWales).OrderBy(h => h.Date).ToListAsync(ct);
        Years = all.GroupBy(h => h.Date.Year).ToList();
    }
}

internal sealed class BankHolidayForm
{
    public DateParts Date { get; set; } = new();
    public string? Name { get; set; }
}
