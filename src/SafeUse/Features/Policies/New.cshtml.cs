using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

[Authorize(Policy = PolicyAccess.Managers)]
internal sealed class NewModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time) : PageModel
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

    public List<School> Schools { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var scope = await LoadAsync(ct);
        Policy.Validate(ModelState, nameof(Policy), Schools, scope.AllSchools);
        long? ownerId = null;
        if (!string.IsNullOrWhiteSpace(Policy.OwnerEmail))
        {
            var normalized = Person.Normalize(Policy.OwnerEmail);
            ownerId = await db.People.Where(p => p.EmailNormalized == normalized && !p.IsLeaver).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);
            if (ownerId is null)
            {
                ModelState.AddModelError("Policy.OwnerEmail", "No current member of staff has that email address");
            }
        }

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

        var now = time.GetUtcNow().UtcDateTime;
        var me = await current.PersonAsync(ct);
        var policy = new Policy { Title = "", TrustId = me.TrustId, CreatedAt = now, UpdatedAt = now };
        Policy.ApplyTo(policy, ownerId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.IdempotencyKeys.Add(new IdempotencyKey { Key = "policy-new:" + Key, CreatedAt = now });
        db.Policies.Add(policy);
        await db.SaveChangesAsync(ct);
        var version = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Status = VersionStatus.Draft, Markdown = Text!.Replace("\r\n", "\n"), Declaration = Declaration!.Trim(), Author = me.FullName, CreatedAt = now };
        db.PolicyVersions.Add(version);
        audit.Record(db, await current.ActorAsync(ct), "policy.created", "policy", policy.Id, $"Added the policy {policy.Title} with a first draft",
            after: new { policy.Title, Scope = policy.Scope.ToString(), policy.NextReviewText, Audience = SignOff.Audience.Describe(policy) });
        await db.SaveChangesAsync(ct);
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
