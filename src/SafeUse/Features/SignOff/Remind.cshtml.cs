using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record RemindOption(long Id, string Name, bool HasEmail, bool RemindedToday, DateOnly DueOn);

/// <summary>
/// "Send a reminder now" to one person or everyone outstanding within the sender's <see cref="Reach"/>; never more
/// than one a day to anyone, however many colleagues press the button.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class RemindModel(AppDbContext db, CurrentUser current, SignOffService signOff, TimeProvider time) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public List<RemindOption> Outstanding { get; private set; } = [];

    /// <summary>Who to remind: one person's id, or empty for everyone listed.</summary>
    [BindProperty] public long? PersonId { get; set; }

    public int Remindable => Outstanding.Count(o => o.HasEmail && !o.RemindedToday);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (PersonId is { } one && Outstanding.All(o => o.Id != one))
        {
            ModelState.AddModelError(nameof(PersonId), "Choose someone from the list, or everyone");
            return Page();
        }

        var who = PersonId is { } chosen ? [chosen] : Outstanding.Select(o => o.Id).ToList();
        var result = await signOff.RemindNowAsync(Policy, who, await current.ActorAsync(ct), ct);
        var parts = new List<string> { result.Sent == 1 ? "1 reminder sent" : $"{result.Sent} reminders sent" };
        if (result.AlreadyToday > 0)
        {
            parts.Add($"{result.AlreadyToday} already reminded today");
        }

        if (result.NoEmail > 0)
        {
            parts.Add($"{result.NoEmail} with no work email (they can sign in person)");
        }

        TempData["Success"] = string.Join("; ", parts) + ".";
        return Redirect($"/policies/{id}/remind");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == id && v.Status == VersionStatus.Published, ct);
        if (policy is null || version is null || await Reach.OnAsync(current, policy, ct) is not { } reach)
        {
            return false;
        }

        Policy = policy;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var me = current.PersonId;
        Outstanding = await (from r in db.SignOffRequests.AsNoTracking()
                             join p in reach.Filter(db.People.AsNoTracking()) on r.PersonId equals p.Id
                             where r.PolicyVersionId == version.Id && r.Status == RequestStatus.Outstanding && !p.IsLeaver && p.Id != me
                             orderby r.DueOn, p.FamilyName, p.GivenName
                             select new RemindOption(p.Id, p.GivenName + " " + p.FamilyName, p.Email != null,
                                 db.ManualReminders.Any(m => m.RequestId == r.Id && m.SentOn == today), r.DueOn)).ToListAsync(ct);
        return true;
    }
}
