using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class ImportPreviewModel(AppDbContext db, CurrentUser current, StaffImporter importer) : PageModel
{
    public StaffImport Upload { get; private set; } = null!;
    public School School { get; private set; } = null!;
    public StaffImportPlan Plan { get; private set; } = null!;

    [BindProperty]
    public Dictionary<int, string?> Map { get; set; } = [];

    [BindProperty]
    public bool MarkLeavers { get; set; }

    [BindProperty]
    public bool ConfirmEmailChanges { get; set; }

    private ImportAuthority authority = ImportAuthority.Trust;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostMappingAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var mapping = new Dictionary<int, StaffField>();
        foreach (var (column, value) in Map)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (!Enum.TryParse<StaffField>(value, out var field) || column < 0 || column >= Plan.File.Headings.Count)
            {
                ModelState.AddModelError($"Map[{column}]", $"Column {column + 1}: \"{value}\" is not a SafeUse field");
                return Page();
            }

            if (mapping.ContainsValue(field))
            {
                ModelState.AddModelError($"Map[{column}]", $"\"{field.Label()}\" is chosen for two columns: choose it for one only");
                return Page();
            }

            mapping[column] = field;
        }

        var tracked = await db.StaffImports.FirstAsync(i => i.Id == id, ct);
        tracked.MappingJson = JsonSerializer.Serialize(mapping);
        await db.SaveChangesAsync(ct);
        return Redirect($"/people/import/{id}");
    }

    public async Task<IActionResult> OnPostConfirmAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Upload.AppliedAt is not null)
        {
            // A second press of the button, or a back-and-resubmit: the import has happened once already.
            TempData["Success"] = "This file was already imported.";
            return Redirect("/people");
        }

        if (!Plan.IsValid)
        {
            ModelState.AddModelError("", "The file has problems, so nothing was imported");
            return Page();
        }

        if (Plan.EmailChanges.Count > 0 && !ConfirmEmailChanges)
        {
            ModelState.AddModelError(nameof(ConfirmEmailChanges), "Confirm the work email changes: each person will sign in with the new address");
            return Page();
        }

        var tracked = await db.StaffImports.FirstAsync(i => i.Id == id, ct);
        var result = await importer.ApplyAsync(School, Plan.File, MarkLeavers, ConfirmEmailChanges, authority, await current.ActorAsync(ct), tracked, ct);
        TempData["Success"] = $"Imported {Plan.File.Rows.Count} {(Plan.File.Rows.Count == 1 ? "person" : "people")} into {School.Name}: {result.Created} new, {result.Updated} updated, {result.Unchanged} unchanged, {result.MarkedLeavers} marked as leavers."
            + (result.AskedToSign > 0 ? $" {result.AskedToSign} {(result.AskedToSign == 1 ? "request" : "requests")} to sign policies sent." : "");
        return Redirect($"/people?school={School.Id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var scope = await current.ScopeAsync([Role.Administrator], ct);
        var upload = await db.StaffImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (upload is null || !scope.Includes(upload.SchoolId))
        {
            return false;
        }

        Upload = upload;
        authority = new ImportAuthority(scope, current.PersonId);
        School = await db.Schools.AsNoTracking().FirstAsync(s => s.Id == upload.SchoolId, ct);
        var mapping = upload.MappingJson is null ? null : JsonSerializer.Deserialize<Dictionary<int, StaffField>>(upload.MappingJson);
        Plan = await importer.PlanAsync(School, StaffCsv.Parse(upload.Content, mapping), authority, ct);
        return true;
    }
}
