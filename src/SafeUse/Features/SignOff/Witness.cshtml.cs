using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record WitnessOption(long Id, string Name, bool HasEmail);

/// <summary>In-person signing on a shared device at school, witnessed by the signed-in colleague, for those within their <see cref="Reach"/>.</summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class WitnessModel(AppDbContext db, CurrentUser current, SignOffService signOff) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public List<WitnessOption> Outstanding { get; private set; } = [];
    public string WitnessName { get; private set; } = "";

    [BindProperty] public long? PersonId { get; set; }
    [BindProperty] public bool Agreed { get; set; }
    [BindProperty] public string? TypedName { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (PersonId is not { } personId || Outstanding.All(o => o.Id != personId))
        {
            ModelState.AddModelError(nameof(PersonId), "Choose who is signing");
            return Page();
        }

        var me = await current.PersonAsync(ct);
        var result = await signOff.SignAsync(personId, new SignInput(Version.Id, Agreed, TypedName, HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString(), SignMethod.InPersonWitnessed, me.Id),
            await current.ActorAsync(ct), ct);
        if (result.Outcome is SignOutcome.Signed or SignOutcome.AlreadySigned)
        {
            TempData["Success"] = $"{Outstanding.First(o => o.Id == personId).Name} has signed, witnessed by {me.FullName}.";
            return Redirect($"/policies/{id}/witness");
        }

        foreach (var (field, message) in result.Problems("This person cannot sign this version"))
        {
            ModelState.AddModelError(field, message);
        }

        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == id && v.Status == VersionStatus.Published, ct);
        if (policy is null || version is null || await Reach.OnAsync(current, policy, ct) is not { } reach)
        {
            return false;
        }

        Policy = policy;
        Version = version;
        var me = await current.PersonAsync(ct);
        WitnessName = me.FullName;
        Outstanding = await (from r in db.SignOffRequests.AsNoTracking()
                             join p in reach.Filter(db.People.AsNoTracking()) on r.PersonId equals p.Id
                             where r.PolicyVersionId == version.Id && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query) && p.Id != me.Id
                             orderby p.Email != null, p.FamilyName, p.GivenName
                             select new WitnessOption(p.Id, p.GivenName + " " + p.FamilyName, p.Email != null)).ToListAsync(ct);
        return true;
    }
}
