using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Calendar;

/// <summary>Removing a bank holiday, confirmed first: the list links here, and only the confirming post removes it.</summary>
[Authorize(Policy = AccessPolicies.TrustAdministrators)]
internal sealed class RemoveModel(AppDbContext db, CurrentUser current, AuditTrail audit) : PageModel
{
    public BankHoliday Holiday { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } holiday ? Show(holiday) : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } holiday)
        {
            return NotFound();
        }

        db.Set<BankHoliday>().Remove(holiday);
        audit.Record(db, await current.ActorAsync(ct), "bank-holiday.removed", "bank_holiday", holiday.Id,
            $"Removed the bank holiday {holiday.Name} on {IndexModel.Day(holiday.Date)}", before: new { holiday.Date, holiday.Name, holiday.Region });
        await db.SaveChangesAsync(ct);
        TempData["Success"] = $"Removed {holiday.Name} on {IndexModel.Day(holiday.Date)}.";
        return Redirect("/settings/bank-holidays");
    }

    private Task<BankHoliday?> FindAsync(long id, CancellationToken ct) => db.Set<BankHoliday>().FirstOrDefaultAsync(h => h.Id == id, ct);

    private PageResult Show(BankHoliday holiday)
    {
        Holiday = holiday;
        return Page();
    }
}
