using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

/// <summary>A member of staff reads and signs the current version of a policy they are asked to sign, or asks a question.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SignModel(AppDbContext db, CurrentUser current, SignOffService signOff) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public SignOffRequest? MyRequest { get; private set; }
    public Signature? MySignature { get; private set; }
    public IHtmlContent? Changes { get; private set; }
    public string? LastSignedNumber { get; private set; }
    public string MyName { get; private set; } = "";
    public string? SupersededMessage { get; private set; }
    public List<PolicyQuery> Queries { get; private set; } = [];

    [BindProperty]
    public long VersionId { get; set; }

    [BindProperty]
    public bool Agreed { get; set; }

    [BindProperty]
    public string? TypedName { get; set; }

    [BindProperty]
    public string? Question { get; set; }

    public async Task<IActionResult> OnGetAsync(long policyId, CancellationToken ct) => await LoadAsync(policyId, ct) ?? Page();

    public async Task<IActionResult> OnPostSignAsync(long policyId, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var result = await signOff.SignAsync(me.Id, new SignInput(VersionId, Agreed, TypedName, HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString()), await current.ActorAsync(ct), ct);
        if (await LoadAsync(policyId, ct) is { } refused)
        {
            return refused;
        }

        switch (result.Outcome)
        {
            case SignOutcome.Signed:
            case SignOutcome.AlreadySigned:
                TempData["Success"] = result.Outcome == SignOutcome.Signed ? $"You have signed {Policy.Title}." : "You had already signed this version: nothing has changed.";
                return Redirect($"/sign/{policyId}");
            case SignOutcome.Superseded:
                Response.StatusCode = StatusCodes.Status409Conflict;
                SupersededMessage = $"The version you were reading has been replaced by version {Version.Number}, so it can no longer be signed.";
                return Page();
            case SignOutcome.NotInAudience:
                return StatusCode(StatusCodes.Status403Forbidden);
            default:
                foreach (var (field, message) in result.Problems("This version cannot be signed"))
                {
                    ModelState.AddModelError(field, message);
                }

                return Page();
        }
    }

    public async Task<IActionResult> OnPostQueryAsync(long policyId, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        if (await LoadAsync(policyId, ct) is { } refused)
        {
            return refused;
        }

        if (await signOff.RaiseQueryAsync(me.Id, VersionId, Question, await current.ActorAsync(ct), ct) is { } error)
        {
            ModelState.AddModelError(nameof(Question), error);
            return Page();
        }

        TempData["Success"] = "Your question has been sent to the policy's owner.";
        return Redirect($"/sign/{policyId}");
    }

    private async Task<IActionResult?> LoadAsync(long policyId, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        MyName = me.FullName;
        var policy = await db.Policies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == policyId, ct);
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == policyId && v.Status == VersionStatus.Published, ct);
        if (policy is null || version is null)
        {
            return NotFound();
        }

        Policy = policy;
        Version = version;
        MyRequest = await db.SignOffRequests.AsNoTracking().FirstOrDefaultAsync(r => r.PolicyVersionId == version.Id && r.PersonId == me.Id, ct);
        MySignature = await db.Signatures.AsNoTracking().FirstOrDefaultAsync(s => s.PolicyVersionId == version.Id && s.PersonId == me.Id, ct);
        var everAsked = MyRequest is not null || await db.SignOffRequests.AnyAsync(r => r.PolicyId == policyId && r.PersonId == me.Id, ct);
        if (!everAsked)
        {
            // Not in this policy's audience: nothing here is theirs to see or sign.
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var lastSigned = await (from s in db.Signatures.AsNoTracking()
                                join v in db.PolicyVersions.AsNoTracking() on s.PolicyVersionId equals v.Id
                                where s.PersonId == me.Id && s.PolicyId == policyId && v.Id != version.Id
                                orderby s.SignedAt descending
                                select v).FirstOrDefaultAsync(ct);
        if (lastSigned is not null && MySignature is null)
        {
            LastSignedNumber = lastSigned.Number;
            Changes = Policies.Documents.PolicyStructure.Changes(lastSigned, version);
        }

        Queries = await db.PolicyQueries.AsNoTracking().Where(q => q.PolicyId == policyId && q.PersonId == me.Id).OrderBy(q => q.AskedAt).ToListAsync(ct);
        return null;
    }
}
