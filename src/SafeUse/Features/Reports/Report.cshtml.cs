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
[UploadLimits]
[RequestSizeLimit(AttachmentStore.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = AttachmentStore.MaxRequestBytes)]
internal sealed class ReportModel(AppDbContext db, CurrentUser current, IncidentService incidents, AttachmentStore store, TimeProvider time) : PageModel
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
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    /// <summary>Whether this kind takes files at this school; suspected illegal content never does.</summary>
    public bool FilesAllowed => Chosen is not null && AttachmentStore.Refusal(Chosen.Kind, Chosen.Setting) is null;

    /// <summary>Files were chosen but the form came back: a browser does not keep them, so the reporter chooses them again.</summary>
    public bool ChooseFilesAgain { get; private set; }

    public IReadOnlyList<string> FormOrder => ["Kind", "SchoolId", "WhatHappened", "OccurredAt", "SubjectId", "ReportedBy", .. (Chosen?.Fields ?? []).Select(f => $"Answers[{f.Code}]"), "Files"];

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

        // Checked on the server whatever the form showed: a crafted post with files for a kind that refuses them is refused.
        var uploads = AttachmentStore.Chosen(Files.Select(f => new AttachmentUpload(f.FileName, f.Length, f.OpenReadStream)));
        var (files, problems) = await AttachmentStore.CheckAsync(Chosen.Kind, Chosen.Setting, uploads, ct);
        foreach (var problem in problems)
        {
            ModelState.AddModelError(nameof(Files), problem);
        }

        if (!ModelState.IsValid)
        {
            ChooseFilesAgain = uploads.Count > 0 && problems.Count == 0;
            return Page();
        }

        var stored = await store.StoreAsync(files, ct);
        try
        {
            var incident = await incidents.ReportAsync(input, await current.ActorAsync(ct), stored, ct);
            TempData["Receipt"] = $"Your report has been sent. Its reference is {incident.Reference}.";
            return Redirect("/reports/mine");
        }
        catch (IncidentException ex)
        {
            store.Delete(stored);
            ModelState.AddModelError(ex.Field, ex.Message);
            ChooseFilesAgain = stored.Count > 0;
            return Page();
        }
        catch
        {
            // Nothing half-written: the report was not saved, so neither are its files.
            store.Delete(stored);
            throw;
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
