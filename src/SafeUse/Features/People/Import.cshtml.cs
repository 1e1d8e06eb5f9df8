using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

[Authorize(Policy = AccessPolicies.Administrators)]
[RequestSizeLimit(StaffCsv.MaxBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = StaffCsv.MaxBytes + 64 * 1024)]
internal sealed class ImportModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    [BindProperty]
    public long? SchoolId { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public List<School> Schools { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadSchoolsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadSchoolsAsync(ct);
        var school = Schools.FirstOrDefault(s => s.Id == SchoolId);
        if (await CsvUpload.ReadAsync(Upload, school is not null, ModelState, ct) is not { } text)
        {
            return Page();
        }

        var me = await current.PersonAsync(ct);
        var upload = new StaffImport
        {
            SchoolId = school!.Id,
            FileName = Path.GetFileName(Upload!.FileName),
            Content = text,
            CreatedByPersonId = me.Id,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.StaffImports.Add(upload);
        await db.SaveChangesAsync(ct);
        return Redirect($"/people/import/{upload.Id}");
    }

    private async Task LoadSchoolsAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync([Role.Administrator], ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
    }
}
