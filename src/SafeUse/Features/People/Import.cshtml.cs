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
        if (school is null)
        {
            ModelState.AddModelError("SchoolId", "Select a school");
        }

        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError("Upload", "Select a CSV file" + (Upload is { Length: 0 } ? $": {Upload.FileName} is empty" : ""));
        }
        else if (Upload.Length > StaffCsv.MaxBytes)
        {
            ModelState.AddModelError("Upload", $"{Upload.FileName} is larger than {StaffCsv.MaxBytes / 1024 / 1024} MB");
        }
        else if (!Upload.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !Upload.FileName.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("Upload", $"{Upload.FileName} must be a CSV file. In Excel, use Save As and choose CSV UTF-8.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        using var buffer = new MemoryStream();
        await Upload!.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            ModelState.AddModelError("Upload", $"{Upload.FileName} is not a text file. Export the staff list as CSV.");
            return Page();
        }

        var me = await current.PersonAsync(ct);
        var upload = new StaffImport
        {
            SchoolId = school!.Id,
            FileName = Path.GetFileName(Upload.FileName),
            Content = StaffCsv.Decode(bytes),
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
