using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Setup;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Schools;

internal sealed record RoleHolder(long AssignmentId, long PersonId, string Name, Role Role, long? SchoolId);

[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time) : PageModel
{
    private List<RoleHolder> holders = [];

    public List<School> Schools { get; private set; } = [];
    public List<RoleHolder> TrustWide => holders.Where(h => h.SchoolId is null).ToList();
    public bool TrustWideAdmin { get; private set; }

    [BindProperty]
    public GrantForm Grant { get; set; } = new();

    [BindProperty]
    public NewSchoolForm NewSchool { get; set; } = new();

    /// <summary>
    /// The "Where" chosen: on a new form the first school the giver administers (a role is usually for one school;
    /// the whole trust is a deliberate choice), after a refused submit what they chose ("" for the whole trust).
    /// </summary>
    public string GrantWhere => Request.Method == HttpMethods.Post
        ? Grant.SchoolId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""
        : Schools.FirstOrDefault()?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";

    [BindProperty]
    public bool GovernorsSeeNames { get; set; }

    public Trust? Trust { get; private set; }

    /// <summary>A school's own name for a role (its "Digital Lead" for Online safety lead), or null when it uses SafeUse's.</summary>
    public string? SchoolLabel(long schoolId, Role role) => labels.GetValueOrDefault((schoolId, role));

    private Dictionary<(long, Role), string> labels = [];

    public List<RoleHolder> Holders(long schoolId, Role role) => holders.Where(h => h.SchoolId == schoolId && h.Role == role).ToList();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostGrantAsync(CancellationToken ct)
    {
        var scope = await LoadAsync(ct);
        var normalized = Person.Normalize(Grant.Email);
        var person = normalized is null ? null : await db.People.Include(p => p.Schools).Include(p => p.Roles).FirstOrDefaultAsync(p => p.EmailNormalized == normalized && !p.IsLeaver, ct);
        if (normalized is null)
        {
            ModelState.AddModelError("Grant.Email", "Enter the email address of the member of staff");
        }
        else if (person is null || !(scope.AllSchools || person.Schools.Any(s => scope.Includes(s.SchoolId))))
        {
            ModelState.AddModelError("Grant.Email", "No current member of staff in your schools has that email address");
        }

        if (Grant.SchoolId is null ? !scope.AllSchools : !scope.Includes(Grant.SchoolId.Value))
        {
            ModelState.AddModelError("Grant.SchoolId", "Choose one of your schools");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (person!.Roles.Any(r => r.Role == Grant.Role && r.SchoolId == Grant.SchoolId))
        {
            TempData["Success"] = $"{person.FullName} already holds that role.";
            return RedirectToPage();
        }

        person.Roles.Add(new RoleAssignment { Role = Grant.Role, SchoolId = Grant.SchoolId });
        if (Grant.SchoolId is { } sid && person.Schools.All(s => s.SchoolId != sid))
        {
            person.Schools.Add(new PersonSchool { SchoolId = sid });
        }

        var where = Grant.SchoolId is null ? "the whole trust" : Schools.First(s => s.Id == Grant.SchoolId).Name;
        audit.Record(db, await current.ActorAsync(ct), "person.role-granted", "person", person.Id, $"{person.FullName} given the role {Grant.Role.Label()} for {where}",
            after: new { Role = Grant.Role.Code(), Grant.SchoolId }, schoolId: Grant.SchoolId);
        await db.SaveChangesAsync(ct);
        TempData["Success"] = $"{person.FullName} is now {Grant.Role.Label()} for {where}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostAddSchoolAsync(CancellationToken ct)
    {
        var scope = await LoadAsync(ct);
        if (!scope.AllSchools)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(NewSchool.Name))
        {
            ModelState.AddModelError("NewSchool.Name", "Enter the school's name");
        }

        if (!string.IsNullOrWhiteSpace(NewSchool.Urn) && !SetupService.IsUrn(NewSchool.Urn))
        {
            ModelState.AddModelError("NewSchool.Urn", "URN must be 6 digits, like 100000");
        }
        else if (!string.IsNullOrWhiteSpace(NewSchool.Urn) && await db.Schools.AnyAsync(s => s.Urn == NewSchool.Urn.Trim(), ct))
        {
            ModelState.AddModelError("NewSchool.Urn", $"A school with URN {NewSchool.Urn.Trim()} is already here");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var trust = await db.Trusts.OrderBy(t => t.Id).FirstAsync(ct);
        var school = new School { TrustId = trust.Id, Name = NewSchool.Name!.Trim(), Urn = string.IsNullOrWhiteSpace(NewSchool.Urn) ? null : NewSchool.Urn.Trim(), CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Schools.Add(school);
        await db.SaveChangesAsync(ct);
        audit.Record(db, await current.ActorAsync(ct), "school.created", "school", school.Id, $"Added school {school.Name}", after: new { school.Name, school.Urn }, schoolId: school.Id);
        await db.SaveChangesAsync(ct);
        TempData["Success"] = $"Added {school.Name}.";
        return RedirectToPage();
    }

    /// <summary>The trust's own settings: only a trust-wide administrator changes them, and every change is audited.</summary>
    public async Task<IActionResult> OnPostSettingsAsync(CancellationToken ct)
    {
        var scope = await LoadAsync(ct);
        if (!scope.AllSchools)
        {
            return Forbid();
        }

        var trust = await db.Trusts.FirstAsync(t => t.Id == Trust!.Id, ct);
        if (trust.GovernorsSeeNames == GovernorsSeeNames)
        {
            TempData["Success"] = "Nothing changed.";
            return RedirectToPage();
        }

        var before = trust.GovernorsSeeNames;
        trust.GovernorsSeeNames = GovernorsSeeNames;
        audit.Record(db, await current.ActorAsync(ct), "trust.settings-changed", "trust", trust.Id,
            GovernorsSeeNames ? "Governors now see names in sign-off registers" : "Governors now see totals only in sign-off registers",
            before: new { GovernorsSeeNames = before }, after: new { GovernorsSeeNames });
        await db.SaveChangesAsync(ct);
        TempData["Success"] = GovernorsSeeNames ? "Governors now see who has signed, by name." : "Governors now see totals only.";
        return RedirectToPage();
    }

    private async Task<SchoolScope> LoadAsync(CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        Trust = await db.Trusts.AsNoTracking().FirstOrDefaultAsync(t => t.Id == me.TrustId, ct);
        var scope = await current.ScopeAsync([Role.Administrator], ct);
        TrustWideAdmin = scope.AllSchools;
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var ids = Schools.Select(s => s.Id).ToList();
        labels = (await db.RoleLabels.AsNoTracking().Where(l => ids.Contains(l.SchoolId)).ToListAsync(ct)).ToDictionary(l => (l.SchoolId, l.Role), l => l.Label);
        holders = await (from r in db.RoleAssignments.AsNoTracking()
                         join p in db.People.AsNoTracking() on r.PersonId equals p.Id
                         where r.Role != Role.Staff && !p.IsLeaver && ((r.SchoolId != null && ids.Contains(r.SchoolId.Value)) || (r.SchoolId == null && scope.AllSchools))
                         orderby p.FamilyName, p.GivenName
                         select new RoleHolder(r.Id, p.Id, p.GivenName + " " + p.FamilyName, r.Role, r.SchoolId)).ToListAsync(ct);
        return scope;
    }
}

internal sealed class GrantForm
{
    public string? Email { get; set; }
    public Role Role { get; set; }
    public long? SchoolId { get; set; }
}

internal sealed class NewSchoolForm
{
    public string? Name { get; set; }
    public string? Urn { get; set; }
}
