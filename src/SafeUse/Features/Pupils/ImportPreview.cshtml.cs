using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Pupils;

[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class ImportPreviewModel(AppDbContext db, CurrentUser current, PupilImporter importer, TimeProvider time) : PageModel
{
    public PupilImport Upload { get; private set; } = null!;
    public School School { get; private set; } = null!;
    public PupilImportPlan Plan { get; private set; } = null!;

    [BindProperty]
    public bool MarkLeavers { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostConfirmAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Upload.AppliedAt is not null)
        {
            TempData["Success"] = "This file was already imported.";
            return Redirect("/pupils");
        }

        if (!Plan.IsValid)
        {
            ModelState.AddModelError("", "The file has problems, so nothing was imported");
            return Page();
        }

        var tracked = await db.PupilImports.FirstAsync(i => i.Id == id, ct);
        var result = await importer.ApplyAsync(School, Plan.File, MarkLeavers, await current.ActorAsync(ct), tracked, ct);
        TempData["Success"] = $"Imported {Plan.File.Rows.Count} {(Plan.File.Rows.Count == 1 ? "pupil" : "pupils")} into {School.Name}: {result.Created} new, {result.Updated} updated, {result.Unchanged} unchanged, {result.MarkedLeavers} marked as leavers.";
        return Redirect($"/pupils?school={School.Id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        // Another school's upload is not revealed to exist.
        var scope = await PupilAccess.ImportScopeAsync(current, ct);
        var upload = await db.PupilImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (upload is null || !scope.Includes(upload.SchoolId))
        {
            return false;
        }

        Upload = upload;
        School = await db.Schools.AsNoTracking().FirstAsync(s => s.Id == upload.SchoolId, ct);
        Plan = await importer.PlanAsync(School, PupilCsv.Parse(upload.Content, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)), ct);
        return true;
    }
}
