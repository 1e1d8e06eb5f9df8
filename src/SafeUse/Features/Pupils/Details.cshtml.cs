using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Pupils;

[Authorize(Policy = PupilAccess.Readers)]
internal sealed class DetailsModel(AppDbContext db, CurrentUser current) : PageModel
{
    public Pupil Pupil { get; private set; } = null!;
    public string SchoolName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var scope = await PupilAccess.ReadScopeAsync(current, ct);
        var pupil = await db.Pupils.AsNoTracking().Include(p => p.Contacts).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pupil is null || !scope.Includes(pupil.SchoolId))
        {
            // Another school's pupil is not revealed to exist.
            return NotFound();
        }

        Pupil = pupil;
        SchoolName = await db.Schools.Where(s => s.Id == pupil.SchoolId).Select(s => s.Name).FirstAsync(ct);
        return Page();
    }
}
