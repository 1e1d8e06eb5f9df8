using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies.Documents;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

/// <summary>A new draft of an existing policy from a file: read, preview with what changed, then create.</summary>
[Authorize(Policy = PolicyAccess.Managers)]
[PolicyUploadLimit]
[RequestSizeLimit(PolicyUpload.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PolicyUpload.MaxRequestBytes)]
internal sealed class ImportModel(AppDbContext db, CurrentUser current, PolicyAuthoring authoring) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public IHtmlContent? Changes { get; private set; }

    [BindProperty] public IFormFile? Upload { get; set; }
    [BindProperty] public string? FileName { get; set; }
    [BindProperty] public string? Markdown { get; set; }
    [BindProperty] public string? Declaration { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        PolicyUpload.ShowRefusedRequest(Request, ModelState, nameof(Upload));
        return Page();
    }

    public async Task<IActionResult> OnPostReadAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Markdown = null;
        var doc = await PolicyUpload.ReadAsync(Upload, ModelState, nameof(Upload), ct);
        if (doc is null)
        {
            return Page();
        }

        Markdown = PolicyDocumentJson.ToMarkdown(doc);
        Declaration = PolicyImport.DeclarationOf(doc);
        FileName = Path.GetFileName(Upload!.FileName);
        var currentVersion = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == id && v.Status == VersionStatus.Published, ct);
        if (currentVersion is not null)
        {
            Changes = PolicyStructure.Changes(currentVersion, new PolicyVersion { Number = "new", Markdown = Markdown, Declaration = Declaration });
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(Markdown) || string.IsNullOrWhiteSpace(Declaration))
        {
            ModelState.AddModelError(nameof(Upload), "Read a file first");
            Markdown = null;
            return Page();
        }

        var draft = await authoring.AddDraftAsync(id, Markdown, Declaration, await current.ActorAsync(ct), FileName, ct);
        if (draft is null)
        {
            ModelState.AddModelError(nameof(Upload), "This policy already has a draft: publish or edit that one first");
            return Page();
        }

        TempData["Success"] = $"Draft {draft.Number} created from {FileName}.";
        return Redirect($"/policies/{id}/versions/{draft.Id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null || !PolicyAccess.CanManage(policy, await current.ScopeAsync(PolicyAccess.ManagerRoles, ct)))
        {
            return false;
        }

        Policy = policy;
        return true;
    }
}
