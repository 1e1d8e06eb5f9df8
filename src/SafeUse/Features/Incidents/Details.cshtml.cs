using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Calendar;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using Breach_ = SafeUse.Features.Incidents.Breach;

namespace SafeUse.Features.Incidents;

internal sealed record RoutedTo(long PersonId, string Name, string Reason, int Step, DateTime? NotifiedAt);

/// <summary>One incident for the people it was routed to: the report, its entries in order, and what they can add.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class DetailsModel(AppDbContext db, CurrentUser current, IncidentService incidents, AuditTrail audit, TimeProvider time, BankHolidays bankHolidays, SecondFactorService factors) : PageModel
{
    public Incident Incident { get; private set; } = null!;
    public string KindName { get; private set; } = "";
    public ReportKind? Kind { get; private set; }
    public string SchoolName { get; private set; } = "";
    public string ReporterName { get; private set; } = "";
    public string? SubjectName { get; private set; }
    public string? AcknowledgedByName { get; private set; }
    public List<IncidentEntry> Entries { get; private set; } = [];
    public List<RoutedTo> Routed { get; private set; } = [];
    public Dictionary<string, string> Answers { get; private set; } = [];
    public List<IncidentAttachment> Attachments { get; private set; } = [];

    /// <summary>Why files cannot be added to this incident (suspected illegal content, or the school turned them off), or null.</summary>
    public string? FilesRefusal { get; private set; }
    public DateTime Now { get; private set; }

    [BindProperty] public string? Text { get; set; }
    [BindProperty] public long? OwnerId { get; set; }
    [BindProperty] public Platform.Web.DateParts Due { get; set; } = new();
    [BindProperty] public long? EntryId { get; set; }
    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public BreachForm Breach { get; set; } = new();
    [BindProperty] public string? AwareAt { get; set; }

    /// <summary>The current breach assessment (the latest breach entry), and the earlier ones stay in the record.</summary>
    public BreachRecord? CurrentBreach { get; private set; }
    public bool IsBreach => Breach_.Applies(Incident);

    [BindProperty] public string? LadoWho { get; set; }
    [BindProperty] public string? LadoWhen { get; set; }
    [BindProperty] public string? LadoReference { get; set; }
    [BindProperty] public string? Classification { get; set; }
    [BindProperty] public string? PoliceForce { get; set; }
    [BindProperty] public string? PoliceReference { get; set; }
    [BindProperty] public string? PoliceWhen { get; set; }

    /// <summary>An allegation: the working day by whose end the LADO must be contacted, and that end (exclusive, UTC).</summary>
    public DateOnly? LadoDueDay { get; private set; }
    public DateTime? LadoDueEnd { get; private set; }
    public DateTime? LadoContactedAt { get; private set; }
    public string? CurrentClassification { get; private set; }
    public bool IsCaseManager { get; private set; }

    /// <summary>Low-level concerns about the subject the viewer can see, and the most of them within any twelve months.</summary>
    public int LowLevelCount { get; private set; }
    public int LowLevelInTwelveMonths { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        // Step-up: a restricted record asks for the second factor again when the session's is older than 12 hours.
        if (Incident.Restricted && await factors.StepUpAsync(User, current.PersonId!.Value, $"/incidents/{id}", ct) is { } stepUp)
        {
            return Redirect(stepUp);
        }

        if (Incident.Restricted)
        {
            // Every view of a restricted record is on the audit trail: who, and when.
            audit.Record(db, await current.ActorAsync(ct), "incident.viewed", "incident", Incident.Id, $"{Incident.Reference}: restricted record viewed", schoolId: Incident.SchoolId);
            await db.SaveChangesAsync(ct);
        }

        return Page();
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(long id, CancellationToken ct) => Act(id, "acknowledge", "Acknowledged: the others on the route can see you are looking at it.", a => incidents.AcknowledgeAsync(id, a, ct), ct);

    public Task<IActionResult> OnPostNoteAsync(long id, CancellationToken ct) => Act(id, "note", "Note added.", a => incidents.NoteAsync(id, Text, a, ct), ct);

    public Task<IActionResult> OnPostDecisionAsync(long id, CancellationToken ct) => Act(id, "decision", "Decision recorded.", a => incidents.DecisionAsync(id, Text, a, ct), ct);

    public Task<IActionResult> OnPostBreachAsync(long id, CancellationToken ct) => Act(id, "breach", "Breach record saved.", a => incidents.BreachAsync(id, Breach.Input, a, ct), ct);

    public Task<IActionResult> OnPostAwarenessAsync(long id, CancellationToken ct) => Act(id, "awareness", "Awareness time corrected: the clock now runs from it.", a => incidents.AwarenessAsync(id, AwareAt, Reason, a, ct), ct);

    public Task<IActionResult> OnPostLadoAsync(long id, CancellationToken ct) => Act(id, "lado", "LADO contact recorded.", a => incidents.LadoContactAsync(id, LadoWho, LadoWhen, LadoReference, a, ct), ct);

    public Task<IActionResult> OnPostClassifyAsync(long id, CancellationToken ct) => Act(id, "classify", "Classification recorded.", a => incidents.ClassifyAsync(id, Classification, a, ct), ct);

    public Task<IActionResult> OnPostPoliceAsync(long id, CancellationToken ct) => Act(id, "police", "Police referral recorded.", a => incidents.PoliceReferralAsync(id, PoliceForce, PoliceReference, PoliceWhen, a, ct), ct);

    public Task<IActionResult> OnPostActionAsync(long id, CancellationToken ct) => Act(id, "action", "Action added.", a =>
    {
        if (!Due.IsEmpty && Due.Problem("due date") is { } problem)
        {
            throw new IncidentException("Due", problem);
        }

        return incidents.ActionAsync(id, Text, OwnerId, Due.IsEmpty ? null : Due.Value, a, ct);
    }, ct);

    public Task<IActionResult> OnPostDoneAsync(long id, CancellationToken ct) => Act(id, "done", "Action marked done.", a => incidents.ActionDoneAsync(id, EntryId ?? 0, a, ct), ct);

    public Task<IActionResult> OnPostCorrectAsync(long id, CancellationToken ct) => Act(id, "correct", "Correction added; the original entry stays as it was written.", a => incidents.CorrectAsync(id, EntryId ?? 0, Text, a, ct), ct);

    public Task<IActionResult> OnPostCloseAsync(long id, CancellationToken ct) => Act(id, "close", "Closed.", a => incidents.CloseAsync(id, Outcome, Note, a, ct), ct);

    public Task<IActionResult> OnPostReopenAsync(long id, CancellationToken ct) => Act(id, "reopen", "Reopened.", a => incidents.ReopenAsync(id, Reason, a, ct), ct);

    private async Task<IActionResult> Act(long id, string form, string done, Func<Actor, Task> change, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Incident.Restricted && await factors.StepUpAsync(User, current.PersonId!.Value, $"/incidents/{id}", ct) is { } stepUp)
        {
            return Redirect(stepUp);
        }

        try
        {
            await change(await current.ActorAsync(ct));
        }
        catch (IncidentProblems ex)
        {
            db.ChangeTracker.Clear();
            foreach (var (field, message) in ex.Problems)
            {
                ModelState.AddModelError($"{form}_{field}", message);
            }

            await LoadAsync(id, ct);
            return Page();
        }
        catch (IncidentException ex)
        {
            db.ChangeTracker.Clear();
            ModelState.AddModelError(ex.Field.Length == 0 ? "" : $"{form}_{ex.Field}", ex.Message);
            await LoadAsync(id, ct);
            return Page();
        }

        TempData["Success"] = done;
        return Redirect($"/incidents/{id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var me = current.PersonId!.Value;
        var incident = await IncidentAccess.Visible(db, me).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return false;
        }

        Incident = incident;
        Now = time.GetUtcNow().UtcDateTime;
        var kinds = await incidents.KindsAsync(incident.SchoolId, ct);
        var here = kinds.FirstOrDefault(k => k.Kind.Code == incident.Kind);
        Kind = here?.Kind;
        KindName = here?.Setting.Name ?? incident.Kind;
        FilesRefusal = here is null ? "Files cannot be added to this record." : AttachmentStore.Refusal(here.Kind, here.Setting);
        Attachments = await db.IncidentAttachments.AsNoTracking().Where(a => a.IncidentId == id).OrderBy(a => a.AddedAt).ThenBy(a => a.Id).ToListAsync(ct);
        SchoolName = await db.Schools.Where(s => s.Id == incident.SchoolId).Select(s => s.Name).FirstAsync(ct);
        var labels = await incidents.LabelsAsync(incident.SchoolId, ct);
        var ids = new[] { incident.ReporterId, incident.SubjectId ?? 0, incident.AcknowledgedById ?? 0 };
        var names = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.FullName, ct);
        ReporterName = names.GetValueOrDefault(incident.ReporterId, "");
        SubjectName = incident.SubjectId is { } s ? names.GetValueOrDefault(s) : null;
        AcknowledgedByName = incident.AcknowledgedById is { } a ? names.GetValueOrDefault(a) : null;
        Entries = await db.IncidentEntries.AsNoTracking().Where(e => e.IncidentId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        Routed = (await (from r in db.IncidentRecipients.AsNoTracking()
                         join p in db.People.AsNoTracking() on r.PersonId equals p.Id
                         where r.IncidentId == id
                         orderby r.Step, p.FamilyName
                         select new { r, p.GivenName, p.FamilyName }).ToListAsync(ct))
            .Select(x => new RoutedTo(x.r.PersonId, $"{x.GivenName} {x.FamilyName}", labels.Reason(x.r.Reason), x.r.Step, x.r.NotifiedAt)).ToList();
        var report = Entries.FirstOrDefault(e => e.Type == EntryTypes.Report);
        if (incident.Kind == ReportKinds.StaffConduct)
        {
            // KCSIE: the LADO within one working day of the report, counted on the school's own calendar.
            var zone = TimeZoneInfo.FindSystemTimeZoneById(Schools.School.DefaultTimeZone);
            var holidays = await bankHolidays.ForRegionAsync(ct: ct);
            var reported = new DateTimeOffset(incident.CreatedAt, TimeSpan.Zero);
            LadoDueDay = WorkingDays.NextWorkingDay(reported, zone, holidays);
            LadoDueEnd = WorkingDays.EndOfNextWorkingDay(reported, zone, holidays).UtcDateTime;
            LadoContactedAt = Entries.Where(e => e.Type == EntryTypes.LadoContact).Select(e => DataTime(e, "at")).FirstOrDefault();
            CurrentClassification = Entries.LastOrDefault(e => e.Type == EntryTypes.Classified) is { Data: { } c }
                ? JsonDocument.Parse(c).RootElement.GetProperty("classification").GetString() : null;
            IsCaseManager = await db.IncidentRecipients.AnyAsync(r => r.IncidentId == id && r.PersonId == me && r.Step == 0, ct);
            if (IsCaseManager && incident.SubjectId is { } subject)
            {
                var concerns = await incidents.LowLevelConcernsAsync(me, subject, ct);
                LowLevelCount = concerns.Count;
                LowLevelInTwelveMonths = IncidentService.MostWithinTwelveMonths(concerns);
            }
        }

        CurrentBreach = Breach_.Parse(Entries.LastOrDefault(e => e.Type == EntryTypes.Breach));
        Answers = report?.Data is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
        return true;
    }

    /// <summary>Open actions: added and not yet marked done.</summary>
    public List<OpenAction> OpenActions => openActions ??= IncidentActions.Open(Entries);

    private List<OpenAction>? openActions;

    /// <summary>A time an entry's own fields hold (a LADO contact's, a police referral's), stored in UTC.</summary>
    public static DateTime? DataTime(IncidentEntry e, string name)
    {
        using var doc = JsonDocument.Parse(e.Data ?? "{}");
        return doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetDateTime() : null;
    }

    public static string? DataText(IncidentEntry e, string name)
    {
        using var doc = JsonDocument.Parse(e.Data ?? "{}");
        return doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    public string NameOf(long personId) => Routed.FirstOrDefault(r => r.PersonId == personId)?.Name ?? "";

    public static string EntryTitle(IncidentEntry e) => e.Type switch
    {
        EntryTypes.Report => "Report",
        EntryTypes.Note => "Note",
        EntryTypes.Action => "Action",
        EntryTypes.ActionDone => "Action done",
        EntryTypes.Decision => "Decision",
        EntryTypes.Email => "Emails sent",
        EntryTypes.Correction => "Correction",
        EntryTypes.Acknowledged => "Acknowledged",
        EntryTypes.Escalated => "Passed on",
        EntryTypes.Closed => "Closed",
        EntryTypes.Reopened => "Reopened",
        EntryTypes.Breach => "Breach record",
        EntryTypes.AwarenessCorrected => "Awareness time corrected",
        EntryTypes.LadoContact => "LADO contacted",
        EntryTypes.Classified => "Classified",
        EntryTypes.PoliceReferral => "Police referral",
        EntryTypes.Attachment => "Files added",
        _ => e.Type,
    };
}

/// <summary>The breach record form's fields, kept when it comes back with errors.</summary>
internal sealed class BreachForm
{
    public string? WhatHappened { get; set; }
    public string? Categories { get; set; }
    public string? People { get; set; }
    public string? Records { get; set; }
    public string? Consequences { get; set; }
    public string? Measures { get; set; }
    public string? Reported { get; set; }
    public string? Reasons { get; set; }
    public string? IcoReference { get; set; }
    public string? IcoReportedAt { get; set; }
    public string? PeopleTold { get; set; }
    public string? WhyNotTold { get; set; }

    public BreachInput Input => new(WhatHappened, Categories, People, Records, Consequences, Measures, Reported, Reasons, IcoReference, IcoReportedAt, PeopleTold, WhyNotTold);
}
