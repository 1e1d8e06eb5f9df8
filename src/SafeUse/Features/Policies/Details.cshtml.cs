using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class DetailsModel(AppDbContext db, CurrentUser current, PolicyAuthoring authoring, TimeProvider time) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion? Current { get; private set; }
    public List<PolicyVersion> Drafts { get; private set; } = [];
    public List<PolicyVersion> History { get; private set; } = [];
    public List<string> SchoolNames { get; private set; } = [];
    public string Owner { get; private set; } = "";
    public bool CanManage { get; private set; }
    public bool CanWitness { get; private set; }
    public bool ReviewOverdue { get; private set; }
    public int OpenQueries { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostNewDraftAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return Forbid();
        }

        if (Current is null || Drafts.Count > 0)
        {
            return Redirect($"/policies/{id}");
        }

        var draft = await authoring.AddDraftAsync(id, Current.Markdown, Current.Declaration, await current.ActorAsync(ct), null, ct);
        if (draft is null)
        {
            return Redirect($"/policies/{id}");
        }

        return Redirect($"/policies/{id}/versions/{draft.Id}");
    }

    public static string NextNumber(string number)
    {
        var parts = number.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[^1], out var minor) ? string.Join('.', parts[..^1]) + "." + (minor + 1) : number + ".1";
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).Include(p => p.Audience).Include(p => p.Links).FirstOrDefaultAsync(p => p.Id == id, ct);
        var readScope = await current.ScopeAsync(PolicyAccess.ReaderRoles, ct);
        if (policy is null || !PolicyAccess.CanSee(policy, readScope))
        {
            return false;
        }

        Policy = policy;
        CanManage = PolicyAccess.CanManage(policy, await current.ScopeAsync(PolicyAccess.ManagerRoles, ct));
        CanWitness = await current.HasAnyAsync([.. PolicyAccess.ManagerRoles, Role.LineManager, Role.SeniorLeader], ct);
        var versions = await db.PolicyVersions.AsNoTracking().Where(v => v.PolicyId == id).ToListAsync(ct);
        Current = versions.FirstOrDefault(v => v.Status == VersionStatus.Published);
        Drafts = versions.Where(v => v.Status == VersionStatus.Draft).ToList();
        History = versions.Where(v => v.Status != VersionStatus.Draft).OrderByDescending(v => v.PublishedAt).ToList();
        SchoolNames = await db.Schools.Where(s => policy.Schools.Select(x => x.SchoolId).Contains(s.Id)).Select(s => s.Name).ToListAsync(ct);
        Owner = policy.OwnerPersonId is { } ownerId
            ? await db.People.Where(p => p.Id == ownerId).Select(p => p.GivenName + " " + p.FamilyName).FirstAsync(ct)
            : policy.OwnerRole?.Label() ?? "";
        ReviewOverdue = policy.NextReviewOn < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        OpenQueries = await db.PolicyQueries.CountAsync(q => q.PolicyId == id && q.AnsweredAt == null, ct);
        return true;
    }
}
