using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record ReceiptItem(string Title, string Number, Signature Signature, string? Witness);

/// <summary>
/// One person's signed records, printable: the person themselves, their line manager, or those who may see the people of
/// their schools by name in a register (a governor only when the trust lets governors see names).
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class ReceiptModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    public Person Person { get; private set; } = null!;
    public List<ReceiptItem> Items { get; private set; } = [];
    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(long personId, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var person = await db.People.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == personId, ct);
        if (person is null)
        {
            return NotFound();
        }

        var scope = await RegisterScope.NamedScopeAsync(db, current, ct);
        var allowed = person.Id == me.Id || person.LineManagerId == me.Id || scope.AllSchools || person.Schools.Any(s => scope.Includes(s.SchoolId));
        if (!allowed)
        {
            return NotFound();
        }

        Person = person;
        var rows = await (from s in db.Signatures.AsNoTracking()
                          join v in db.PolicyVersions.AsNoTracking() on s.PolicyVersionId equals v.Id
                          join p in db.Policies.AsNoTracking() on s.PolicyId equals p.Id
                          join w in db.People.AsNoTracking() on s.WitnessPersonId equals w.Id into ws
                          from w in ws.DefaultIfEmpty()
                          where s.PersonId == personId
                          orderby p.Title, s.SignedAt descending
                          select new { p.Title, v.Number, s, Witness = w == null ? null : w.GivenName + " " + w.FamilyName }).ToListAsync(ct);
        Items = rows.Select(r => new ReceiptItem(r.Title, r.Number, r.s, r.Witness)).ToList();
        return Page();
    }
}
