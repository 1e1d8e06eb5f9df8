using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

internal sealed record SignedPolicy(long SignatureId, string Title, string Number, DateTime SignedAt, SignMethod Method);

internal sealed record PolicyToSign(string Title, string Number, DateOnly DueOn, RequestStatus Status);

[Authorize(Policy = AccessPolicies.PeopleReaders)]
internal sealed class DetailsModel(AppDbContext db, CurrentUser current, TimeProvider time, SecondFactorService factors) : PageModel
{
    public Person Person { get; private set; } = null!;
    public Person? Manager { get; private set; }
    public List<string> SchoolNames { get; } = [];
    public List<string> RoleLines { get; } = [];
    public List<SignedPolicy> Signed { get; private set; } = [];
    public List<PolicyToSign> ToSign { get; private set; } = [];
    public DateOnly Today { get; private set; }

    /// <summary>Whether the reader may open the person's printable receipt (the receipt page's own rule).</summary>
    public bool CanOpenReceipt { get; private set; }

    /// <summary>Whether the reader may change this person (the staff import's rule).</summary>
    public bool CanChange { get; private set; }

    /// <summary>Whether they have a second factor; an administrator who may change them (not themself) may reset it.</summary>
    public bool HasSecondFactor { get; private set; }

    /// <summary>What kinds of factor the person has ("Authenticator app", "Passkey", or both), for the administrator deciding on a reset.</summary>
    public string SecondFactorKinds { get; private set; } = "None";

    public long? CurrentPersonId => current.PersonId;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var scope = await current.ScopeAsync(Roles.PeopleReaders, ct);
        var person = await db.People.AsNoTracking().Include(p => p.Schools).Include(p => p.Roles).Include(p => p.NetworkNames).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);
        // Someone outside the reader's schools is "not found", so their existence is not revealed either.
        if (person is null || !(scope.AllSchools || person.Schools.Any(s => scope.Includes(s.SchoolId))))
        {
            return NotFound();
        }

        Person = person;
        Manager = person.LineManagerId is { } mid ? await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == mid, ct) : null;
        var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        SchoolNames.AddRange(person.Schools.Select(s => schools.GetValueOrDefault(s.SchoolId) ?? "?"));
        RoleLines.AddRange(person.Roles.OrderBy(r => r.Role).Select(r => $"{r.Role.Label()}, {(r.SchoolId is { } sid ? schools.GetValueOrDefault(sid) : "whole trust")}"));

        CanChange = PersonAccess.Level(await PersonAccess.AuthorityAsync(current, ct), person) == PersonAccessLevel.Change;
        HasSecondFactor = await factors.HasFactorAsync(person.Id, ct);
        SecondFactorKinds = HasSecondFactor ? await factors.KindsAsync(person.Id, ct) : "None";
        var receiptScope = await current.ScopeAsync(PolicyAccess.WholeSchoolReaderRoles, ct);
        CanOpenReceipt = person.Id == current.PersonId || person.LineManagerId == current.PersonId
            || receiptScope.AllSchools || person.Schools.Any(s => receiptScope.Includes(s.SchoolId));

        Today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        Signed = await (from s in db.Signatures.AsNoTracking()
                        join v in db.PolicyVersions.AsNoTracking() on s.PolicyVersionId equals v.Id
                        join p in db.Policies.AsNoTracking() on s.PolicyId equals p.Id
                        where s.PersonId == id
                        orderby s.SignedAt descending
                        select new SignedPolicy(s.Id, p.Title, v.Number, s.SignedAt, s.Method)).ToListAsync(ct);
        ToSign = await (from r in db.SignOffRequests.AsNoTracking()
                        join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                        join p in db.Policies.AsNoTracking() on r.PolicyId equals p.Id
                        where r.PersonId == id && v.Status == VersionStatus.Published
                              && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query)
                        orderby r.DueOn, p.Title
                        select new PolicyToSign(p.Title, v.Number, r.DueOn, r.Status)).ToListAsync(ct);
        return Page();
    }
}
