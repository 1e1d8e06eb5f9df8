using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>
/// A handler adds files to an incident's record, as one entry, under the same rules as a report's files. Only the
/// people who may see the incident reach this page; the incident page's form posts here, and errors come back here.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
[UploadLimits]
[RequestSizeLimit(AttachmentStore.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = AttachmentStore.MaxRequestBytes)]
internal sealed class AttachModel(AppDbContext db, CurrentUser current, IncidentService incidents, AttachmentStore store) : PageModel
{
    public Incident Incident { get; private set; } = null!;
    public string? Refusal { get; private set; }
    private KindAtSchool here = null!;

    [BindProperty] public List<IFormFile> Files { get; set; } = [];
    [BindProperty] public string? Text { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var uploads = AttachmentStore.Chosen(Files.Select(f => new AttachmentUpload(f.FileName, f.Length, f.OpenReadStream)));
        if (Refusal is not null)
        {
            ModelState.AddModelError(nameof(Files), Refusal);
            return Page();
        }

        if (uploads.Count == 0)
        {
            ModelState.AddModelError(nameof(Files), "Choose a file to add");
        }

        var (files, problems) = await AttachmentStore.CheckAsync(here.Kind, here.Setting, uploads, ct);
        foreach (var problem in problems)
        {
            ModelState.AddModelError(nameof(Files), problem);
        }

        if (Text is { Length: > IncidentService.MaxText })
        {
            ModelState.AddModelError(nameof(Text), $"What the files are must be {IncidentService.MaxText:N0} characters or fewer");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var stored = await store.StoreAsync(files, ct);
        try
        {
            await incidents.AttachAsync(id, stored, Text, await current.ActorAsync(ct), ct);
        }
        catch (IncidentException ex)
        {
            store.Delete(stored);
            db.ChangeTracker.Clear();
            ModelState.AddModelError(ex.Field, ex.Message);
            return Page();
        }
        catch
        {
            // Nothing half-written: the entry was not saved, so neither are its files.
            store.Delete(stored);
            throw;
        }

        TempData["Success"] = stored.Count == 1 ? "File added to the record." : $"{stored.Count} files added to the record.";
        return Redirect($"/incidents/{id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var incident = await IncidentAccess.Visible(db, current.PersonId!.Value).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return false;
        }

        Incident = incident;
        here = (await incidents.KindsAsync(incident.SchoolId, ct)).First(k => k.Kind.Code == incident.Kind);
        Refusal = incident.Status == IncidentStatus.Closed ? "It is closed: reopen it to add files." : AttachmentStore.Refusal(here.Kind, here.Setting);
        return true;
    }
}
