using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Policies;

[Authorize(Policy = PolicyAccess.Managers)]
internal sealed class VersionModel(AppDbContext db, CurrentUser current, AuditTrail audit, SignOffService signOff) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Draft { get; private set; } = null!;
    public bool HasPublished { get; private set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Declaration { get; set; }

    [BindProperty]
    public int Concurrency { get; set; }

    [BindProperty]
    public PublishForm Publish { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(long id, long versionId, CancellationToken ct) => await LoadAsync(id, versionId, ct) ?? Page();

    public async Task<IActionResult> OnPostSaveAsync(long id, long versionId, CancellationToken ct)
    {
        if (await LoadAsync(id, versionId, ct) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Text))
        {
            ModelState.AddModelError(nameof(Text), "Enter the policy's text");
        }

        if (string.IsNullOrWhiteSpace(Declaration))
        {
            ModelState.AddModelError(nameof(Declaration), "Enter the declaration");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var updated = await db.PolicyVersions.Where(v => v.Id == versionId && v.Status == VersionStatus.Draft && v.Version == Concurrency)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Markdown, Text!.Replace("\r\n", "\n")).SetProperty(v => v.Declaration, Declaration!.Trim()).SetProperty(v => v.Version, v => v.Version + 1), ct);
        if (updated == 0)
        {
            ModelState.AddModelError(nameof(Text), "Someone else changed or published this draft while you were editing. Copy your text, reload the page and apply your changes again.");
            return Page();
        }

        audit.Record(db, await current.ActorAsync(ct), "policy.draft-edited", "policy-version", versionId, $"Edited draft {Draft.Number} of {Policy.Title}");
        await db.SaveChangesAsync(ct);
        TempData["Success"] = "Draft saved.";
        return Redirect($"/policies/{id}/versions/{versionId}");
    }

    /// <summary>What publishing would do, once the details pass: shown to confirm before anything is published.</summary>
    public PublishPreview? Confirming { get; private set; }

    /// <summary>The publish form's fields in the order the page shows them.</summary>
    public static readonly IReadOnlyList<string> ErrorOrder = [nameof(Text), nameof(Declaration), "Publish.Number", "Publish.Kind", "Publish.ChangeSummary", "Publish.ApprovedBy", "Publish.ApprovedOn"];

    /// <summary>Checks the details (all of them, at once) and asks to confirm, with how many will be asked and emailed.</summary>
    public async Task<IActionResult> OnPostPublishAsync(long id, long versionId, CancellationToken ct)
    {
        if (await LoadAsync(id, versionId, ct) is { } refused)
        {
            return refused;
        }

        if (await ValidatePublishAsync(ct) is null)
        {
            return Page();
        }

        Confirming = await signOff.PreviewPublishAsync(versionId, Publish.Kind, ct);
        return Page();
    }

    /// <summary>From the confirmation: back to the form with the details as given.</summary>
    public async Task<IActionResult> OnPostChangeAsync(long id, long versionId, CancellationToken ct) => await LoadAsync(id, versionId, ct) ?? Page();

    /// <summary>Publishes, checking the details again: the confirmation's fields are only what the author sent.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(long id, long versionId, CancellationToken ct)
    {
        if (await LoadAsync(id, versionId, ct) is { } refused)
        {
            return refused;
        }

        if (Concurrency != Draft.Version)
        {
            ModelState.AddModelError("", "The draft was changed after you checked the details: check them again, then publish.");
        }

        if (await ValidatePublishAsync(ct) is not { } approvedOn)
        {
            return Page();
        }

        try
        {
            var preview = await signOff.PreviewPublishAsync(versionId, Publish.Kind, ct);
            var asked = await signOff.PublishAsync(versionId, new PublishInput(Publish.Number!, Publish.Kind, Publish.ChangeSummary, Publish.ApprovedBy, approvedOn.Value), await current.ActorAsync(ct), ct);
            TempData["Success"] = $"Published version {Publish.Number!.Trim()}. {asked} {(asked == 1 ? "person has" : "people have")} been asked to sign"
                + (asked == 0 ? "." : $"; {preview.Emailed} emailed.");
            return Redirect($"/policies/{id}");
        }
        catch (SignOffException ex)
        {
            ModelState.AddModelError(ex.Field.Length == 0 ? "" : "Publish." + ex.Field, ex.Message);
            return Page();
        }
    }

    /// <summary>Every publish field, in form order; the date approved (or none) when all pass, else null.</summary>
    private async Task<DateCheck?> ValidatePublishAsync(CancellationToken ct)
    {
        var number = Publish.Number?.Trim() ?? "";
        if (number.Length == 0)
        {
            ModelState.AddModelError("Publish.Number", "Enter a version number, like 2.0");
        }
        else if (number.Length > 20)
        {
            ModelState.AddModelError("Publish.Number", "The version number must be 20 characters or fewer");
        }
        else if (await db.PolicyVersions.AnyAsync(v => v.PolicyId == Policy.Id && v.Id != Draft.Id && v.Number == number, ct))
        {
            ModelState.AddModelError("Publish.Number", $"Version {number} already exists for this policy");
        }

        if (!Enum.IsDefined(Publish.Kind))
        {
            ModelState.AddModelError("Publish.Kind", "Choose whether staff must sign again");
        }

        if (HasPublished && string.IsNullOrWhiteSpace(Publish.ChangeSummary))
        {
            ModelState.AddModelError("Publish.ChangeSummary", "Summarise what changed, for the version history");
        }

        var approvedOn = GovDate.Check(ModelState, "Publish.ApprovedOn", "Date approved", Publish.ApprovedOn.Day, Publish.ApprovedOn.Month, Publish.ApprovedOn.Year, DateShape.Exact);
        return ModelState.IsValid ? approvedOn : null;
    }

    private async Task<IActionResult?> LoadAsync(long id, long versionId, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var draft = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId && v.PolicyId == id, ct);
        if (policy is null || draft is null || !PolicyAccess.CanManage(policy, await current.ScopeAsync(PolicyAccess.ManagerRoles, ct)))
        {
            return NotFound();
        }

        if (draft.Status != VersionStatus.Draft)
        {
            // Published versions are immutable: there is nothing to edit.
            return Redirect($"/policies/{id}");
        }

        Policy = policy;
        Draft = draft;
        HasPublished = await db.PolicyVersions.AnyAsync(v => v.PolicyId == id && v.Status != VersionStatus.Draft, ct);
        return null;
    }
}

internal sealed class PublishForm
{
    public string? Number { get; set; }
    public ChangeKind Kind { get; set; } = ChangeKind.Material;
    public string? ChangeSummary { get; set; }
    public string? ApprovedBy { get; set; }
    public DateParts ApprovedOn { get; set; } = new();
}
