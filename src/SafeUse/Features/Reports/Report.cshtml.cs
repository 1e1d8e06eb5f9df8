using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Reports;

/// <summary>
/// "Report a concern": any signed-in member of staff, for any school they work at (the central team for any school
/// of the trust). First the kind and the school, then the kind's own questions.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class ReportModel(AppDbContext db, CurrentUser current, IncidentService incidents, TimeProvider time) : PageModel
{
    public List<School> Schools { get; private set; } = [];
    public List<KindAtSchool> Kinds { get; private set; } = [];
    public KindAtSchool? Chosen { get; private set; }
    public School? School { get; private set; }
    public List<(long Id, string Name)> Staff { get; private set; } = [];

    /// <summary>The school's names for its roles, for the words that name them.</summary>
    public RoleNames Names { get; private set; } = new(new Dictionary<People.Role, string>());

    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public long? SchoolId { get; set; }
    [BindProperty] public string? WhatHappened { get; set; }
    [BindProperty] public string? OccurredAt { get; set; }
    [BindProperty] public long? SubjectId { get; set; }
    [BindProperty] public string? ReportedBy { get; set; }
    [BindProperty] public Dictionary<string, string?> Answers { get; set; } = [];

    public IReadOnlyList<string> FormOrder => ["Kind", "SchoolId", "WhatHappened", "OccurredAt", "SubjectId", "ReportedBy", .. (Chosen?.Fields ?? []).Select(f => $"Answers[{f.Code}]")];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The first page's choice: on to the kind's questions, or the errors.</summary>
    public async Task<IActionResult> OnPostChooseAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (School is null)
        {
            ModelState.AddModelError(nameof(SchoolId), "Choose the school the report is about");
        }

        if (ReportKinds.Find(Kind) is null || (Kinds.Count > 0 && !Kinds.Any(k => k.Kind.Code == Kind && k.Setting.Enabled)))
        {
            ModelState.AddModelError(nameof(Kind), "Choose what you are reporting");
        }

        return ModelState.IsValid ? Redirect($"/report?kind={Kind}&schoolId={School!.Id}") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Chosen is null || School is null)
        {
            ModelState.AddModelError(nameof(Kind), "Choose what you are reporting");
            return Page();
        }

        var occurred = string.IsNullOrWhiteSpace(OccurredAt) ? null : IncidentService.ParseTime(OccurredAt);
        if (!string.IsNullOrWhiteSpace(OccurredAt) && occurred is null)
        {
            ModelState.AddModelError(nameof(OccurredAt), "When it happened must be a date and time, like 30/11/2026 14:05");
        }

        if (SubjectId is { } s && !Staff.Any(p => p.Id == s))
        {
            ModelState.AddModelError(nameof(SubjectId), "Choose the member of staff from the list");
        }

        var input = new ReportInput(School.Id, Chosen.Kind.Code, WhatHappened, occurred, SubjectId, ReportedBy, Answers);
        foreach (var (field, message) in IncidentService.Validate(Chosen, input, time.GetUtcNow().UtcDateTime).Where(e => !ModelState.ContainsKey(e.Field) || ModelState[e.Field]!.Errors.Count == 0))
        {
            ModelState.AddModelError(field, message);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            var incident = await incidents.ReportAsync(input, await current.ActorAsync(ct), ct);
            TempData["Receipt"] = $"Your report has been sent. Its reference is {incident.Reference}.";
            return Redirect("/reports/mine");
        }
        catch (IncidentException ex)
        {
            ModelState.AddModelError(ex.Field, ex.Message);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var me = current.PersonId!.Value;
        var mine = await db.PersonSchools.AsNoTracking().Where(s => s.PersonId == me).Select(s => s.SchoolId).ToListAsync(ct);
        Schools = await db.Schools.AsNoTracking().Where(s => mine.Count == 0 || mine.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        School = Schools.Count == 1 ? Schools[0] : Schools.FirstOrDefault(s => s.Id == SchoolId);
        if (School is null)
        {
            return;
        }

        Names = await incidents.LabelsAsync(School.Id, ct);
        Kinds = (await incidents.KindsAsync(School.Id, ct)).Where(k => k.Setting.Enabled).ToList();
        Chosen = Kinds.FirstOrDefault(k => k.Kind.Code == Kind);
        if (Chosen?.Kind.Code is ReportKinds.Misuse or ReportKinds.OffensiveMessage or ReportKinds.StaffConduct)
        {
            var schoolId = School.Id;
            // A conduct concern may be about someone in the trust's central team too.
            var central = Chosen.Kind.Code == ReportKinds.StaffConduct;
            Staff = (await db.People.AsNoTracking().Where(p => !p.IsLeaver && p.Id != me && (p.Schools.Any(s => s.SchoolId == schoolId) || (central && !p.Schools.Any())))
                    .OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).Select(p => new { p.Id, p.GivenName, p.FamilyName }).ToListAsync(ct))
                .Select(p => (p.Id, $"{p.GivenName} {p.FamilyName}")).ToList();
        }
    }
}
