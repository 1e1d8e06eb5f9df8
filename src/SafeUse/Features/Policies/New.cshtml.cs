using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies.Documents;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

[Authorize(Policy = PolicyAccess.Managers)]
[PolicyUploadLimit]
[RequestSizeLimit(PolicyUpload.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PolicyUpload.MaxRequestBytes)]
internal sealed class NewModel(AppDbContext db, CurrentUser current, PolicyAuthoring authoring, TimeProvider time) : PageModel
{
    [BindProperty]
    public PolicyForm Policy { get; set; } = new();

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Declaration { get; set; } = PolicyText.DefaultDeclaration;

    /// <summary>A one-time key: pressing Save twice creates one policy.</summary>
    [BindProperty]
    public string Key { get; set; } = Guid.NewGuid().ToString("n");

    /// <summary>The file the form was filled from, for the audit trail.</summary>
    [BindProperty]
    public string? ImportedFrom { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public PolicyDocument? Imported { get; private set; }

    public List<School> Schools { get; private set; } = [];

    /// <summary>Reads a Word, Markdown or text file and fills the form from it: a preview to check before saving.</summary>
    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        ModelState.Clear();
        Imported = await PolicyUpload.ReadAsync(Upload, ModelState, nameof(Upload), ct);
        if (Imported is null)
        {
            return Page();
        }

        Policy = PolicyImport.ToForm(Imported, Policy);
        Text = PolicyDocumentJson.ToMarkdown(Imported);
        Declaration = PolicyImport.DeclarationOf(Imported);
        ImportedFrom = Path.GetFileName(Upload!.FileName);
        return Page();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        PolicyUpload.ShowRefusedRequest(Request, ModelState, nameof(Upload));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var scope = await LoadAsync(ct);
        Policy.Validate(ModelState, nameof(Policy), Schools, scope.AllSchools);
        var ownerId = await Policy.ResolveOwnerAsync(db, (await current.PersonAsync(ct)).TrustId, scope, ModelState, nameof(Policy), ct);

        if (string.IsNullOrWhiteSpace(Text))
        {
            ModelState.AddModelError(nameof(Text), "Enter the policy's text");
        }

        if (string.IsNullOrWhiteSpace(Declaration))
        {
            ModelState.AddModelError(nameof(Declaration), "Enter the declaration staff agree to");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await db.IdempotencyKeys.AnyAsync(k => k.Key == "policy-new:" + Key, ct))
        {
            return Redirect("/policies");
        }

        var me = await current.PersonAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.IdempotencyKeys.Add(new IdempotencyKey { Key = "policy-new:" + Key, CreatedAt = time.GetUtcNow().UtcDateTime });
        var policy = await authoring.CreateAsync(me.TrustId, Policy, ownerId, Text!, Declaration!, await current.ActorAsync(ct), ImportedFrom, ct);
        await tx.CommitAsync(ct);
        TempData["Success"] = $"Saved {policy.Title} with a draft. Check the draft, then publish it to ask staff to sign.";
        return Redirect($"/policies/{policy.Id}");
    }

    private async Task<SchoolScope> LoadAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync(PolicyAccess.ManagerRoles, ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        if (!scope.AllSchools && Request.Method == "GET")
        {
            Policy.Scope = PolicyScope.Schools;
        }

        return scope;
    }
}
