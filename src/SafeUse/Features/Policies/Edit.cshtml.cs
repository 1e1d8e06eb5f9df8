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
internal sealed class EditModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time) : PageModel
{
    [BindProperty]
    public PolicyForm Policy { get; set; } = new();

    [BindProperty]
    public int Concurrency { get; set; }

    public string Title { get; private set; } = "";
    public List<School> Schools { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (policy, _) = await LoadAsync(id, ct);
        if (policy is null)
        {
            return NotFound();
        }

        var ownerEmail = policy.OwnerPersonId is { } o ? await db.People.Where(p => p.Id == o).Select(p => p.Email).FirstOrDefaultAsync(ct) : null;
        Policy = PolicyForm.From(policy, ownerEmail);
        Concurrency = policy.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (policy, scope) = await LoadAsync(id, ct);
        if (policy is null)
        {
            return NotFound();
        }

        Policy.Validate(ModelState, nameof(Policy), Schools, scope.AllSchools);
        var ownerId = await Policy.ResolveOwnerAsync(db, policy.TrustId, scope, ModelState, nameof(Policy), ct, policy.OwnerPersonId);

        if (policy.Version != Concurrency)
        {
            ModelState.AddModelError("", "Someone else changed this policy while you were editing. Reload the page and make your changes again.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        Policy.Reminders.RemoveAll(r => r.IsBlank);
        var before = PolicyForm.From(policy, null);
        Policy.ApplyTo(policy, ownerId);
        policy.UpdatedAt = time.GetUtcNow().UtcDateTime;
        policy.Version++;
        audit.Record(db, await current.ActorAsync(ct), "policy.edited", "policy", policy.Id, $"Edited the details of {policy.Title}", before: before, after: PolicyForm.From(policy, null));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "Someone else changed this policy while you were editing. Reload the page and make your changes again.");
            return Page();
        }

        TempData["Success"] = "Details saved.";
        return Redirect($"/policies/{id}");
    }

    /// <summary>"Add another step" in the reminder schedule: the same answers, unsaved, with one more empty step.</summary>
    public async Task<IActionResult> OnPostAddStepAsync(long id, CancellationToken ct)
    {
        if ((await LoadAsync(id, ct)).Policy is null)
        {
            return NotFound();
        }

        ModelState.Clear();
        if (Policy.Reminders.Count < 20)
        {
            Policy.Reminders.Add(new ReminderRow());
        }

        return Page();
    }

    private async Task<(Policy? Policy, SchoolScope Scope)> LoadAsync(long id, CancellationToken ct)
    {
        var scope = await current.ScopeAsync(PolicyAccess.ManagerRoles, ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var policy = await db.Policies.Include(p => p.Schools).Include(p => p.Audience).Include(p => p.Links).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null || !PolicyAccess.CanManage(policy, scope))
        {
            return (null, scope);
        }

        Title = policy.Title;
        return (policy, scope);
    }
}
