using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>A bad answer on a report or an incident action: the field it belongs to and what is wrong.</summary>
internal sealed class IncidentException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>What a member of staff reports.</summary>
internal sealed record ReportInput(
    long SchoolId,
    string Kind,
    string? WhatHappened,
    DateTime? OccurredAt,
    long? SubjectId,
    string? ReportedBy,
    IReadOnlyDictionary<string, string?> Answers);

/// <summary>A school's settings for a kind with the shipped kind beside them.</summary>
internal sealed record KindAtSchool(ReportKind Kind, ReportKindSetting Setting)
{
    /// <summary>The codes of SafeUse's optional questions the school does not ask.</summary>
    public IReadOnlySet<string> Omitted => (Setting.Omitted ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    /// <summary>The questions this school's form asks: SafeUse's (less optional ones it left out), then its own.</summary>
    public IReadOnlyList<ReportField> Fields => [.. Kind.Fields.Where(f => f.Required || !Omitted.Contains(f.Code)), .. OwnQuestions.Fields(Setting.Questions)];
}

/// <summary>
/// Reports and incidents: a school's kinds and routes, making a report (its number, its route resolved, its first
/// emails), and every later entry. Each change is one unit of work with its audit event and emails.
/// </summary>
internal sealed class IncidentService(AppDbContext db, AuditTrail audit, Platform.Outbox.Outbox outbox, TimeProvider time, IOptions<SignOffOptions> options)
{
    public const int MaxText = 10_000;
    public const int MaxLine = 300;

    public static readonly IReadOnlyList<(string Code, string Label)> Outcomes =
    [
        ("advice", "Advice given"), ("training", "Training"), ("disciplinary", "Disciplinary referral"), ("police", "Police referral"),
        ("lado", "LADO referral"), ("filter-changed", "Filter or setting changed"), ("no-further-action", "No further action"),
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Every kind at a school: its stored settings, or the shipped defaults where it has none yet.</summary>
    public async Task<List<KindAtSchool>> KindsAsync(long schoolId, CancellationToken ct)
    {
        var stored = await db.ReportKindSettings.AsNoTracking().Where(s => s.SchoolId == schoolId).ToDictionaryAsync(s => s.Kind, ct);
        return ReportKinds.All.Select(k => new KindAtSchool(k, stored.GetValueOrDefault(k.Code) ?? Default(schoolId, k))).ToList();
    }

    public static ReportKindSetting Default(long schoolId, ReportKind kind) => new()
    {
        SchoolId = schoolId,
        Kind = kind.Code,
        Name = kind.Name,
        Enabled = true,
        AttachmentsAllowed = kind.DefaultAttachments,
        Route = Route.Format(kind.DefaultRoute),
        AcknowledgeHours = null,
    };

    /// <summary>A school's names for its roles, falling back to SafeUse's.</summary>
    public async Task<RoleNames> LabelsAsync(long schoolId, CancellationToken ct) =>
        new(await db.RoleLabels.AsNoTracking().Where(l => l.SchoolId == schoolId).ToDictionaryAsync(l => l.Role, l => l.Label, ct));

    /// <summary>
    /// The code that begins a school's references: its own if set, else its initials (Riverside Primary School: RPS)
    /// or a one-word name's first three letters; when two schools of the trust would share one, the school's number
    /// follows it, so references never collide.
    /// </summary>
    public static string SchoolCode(School school, IEnumerable<School> trustSchools)
    {
        static string Derived(School s)
        {
            if (!string.IsNullOrWhiteSpace(s.ReferenceCode))
            {
                return s.ReferenceCode.Trim().ToUpperInvariant();
            }

            var words = s.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new string(w.Where(char.IsAsciiLetter).ToArray())).Where(w => w.Length > 0).ToList();
            var code = words.Count >= 2 ? string.Concat(words.Take(4).Select(w => w[0])) : words.Count == 1 ? words[0][..Math.Min(3, words[0].Length)] : "";
            return code.Length >= 2 ? code.ToUpperInvariant() : "SCH";
        }

        var mine = Derived(school);
        return trustSchools.Any(o => o.Id != school.Id && Derived(o) == mine) ? $"{mine}{school.Id}" : mine;
    }

    /// <summary>Everything routing needs about the trust's people, read once.</summary>
    public async Task<RoutingWorld> WorldAsync(CancellationToken ct)
    {
        var assignments = await db.RoleAssignments.AsNoTracking().ToListAsync(ct);
        var people = await db.People.AsNoTracking().Select(p => new { p.Id, p.LineManagerId, p.IsLeaver }).ToListAsync(ct);
        return new RoutingWorld(assignments, people.ToDictionary(p => p.Id, p => p.LineManagerId), people.Where(p => p.IsLeaver).Select(p => p.Id).ToHashSet());
    }

    /// <summary>
    /// The route a report takes: the school's route for its kind, with the recipients the kind always needs (the DPO
    /// for a breach; the DSL and the Head for illegal content and conduct) added when a school's route left them out.
    /// </summary>
    public static IReadOnlyList<string> EffectiveRoute(ReportKind kind, ReportKindSetting setting)
    {
        var route = Route.Parse(setting.Route).Where(Route.IsValidRecipient).ToList();
        foreach (var required in kind.RequiredRecipients.Where(r => !route.Contains(r)))
        {
            route.Add(required);
        }

        return route;
    }

    /// <summary>Who a report goes to. Conduct concerns go to the case manager and the DSL only, whatever else a route says.</summary>
    public static IReadOnlyList<Recipient> Recipients(ReportKind kind, ReportKindSetting setting, RoutingWorld world, long schoolId, long reporterId, long? subjectId, bool subjectAtNoSchool)
    {
        if (kind.Restricted)
        {
            // KCSIE's case manager: the Head; the Chair of Governors when the Head is the subject; the Executive leader
            // when the subject works for the trust centrally.
            string[] caseRoute = subjectAtNoSchool ? [Route.Code(Role.ExecutiveLeader), Route.Code(Role.Dsl)] : [Route.Code(Role.Head), Route.Code(Role.Dsl)];
            return Route.Resolve(caseRoute, world, subjectAtNoSchool ? null : schoolId, reporterId, subjectId, caseManagement: true);
        }

        return Route.Resolve(EffectiveRoute(kind, setting), world, schoolId, reporterId, subjectId);
    }

    public Task<Incident> ReportAsync(ReportInput input, Actor reporter, CancellationToken ct) => ReportAsync(input, reporter, [], ct);

    /// <summary>
    /// A report with the files already checked and written by <see cref="AttachmentStore"/>: their rows join the report's
    /// entry in the same transaction. The kind's rule is checked again here, so no caller can attach what it forbids.
    /// </summary>
    public async Task<Incident> ReportAsync(ReportInput input, Actor reporter, IReadOnlyList<StoredAttachment> files, CancellationToken ct)
    {
        var kind = ReportKinds.Find(input.Kind) ?? throw new IncidentException("Kind", "Choose what you are reporting");
        var school = await db.Schools.FirstOrDefaultAsync(s => s.Id == input.SchoolId, ct) ?? throw new IncidentException("SchoolId", "Choose a school");
        var atSchool = (await KindsAsync(school.Id, ct)).First(k => k.Kind.Code == kind.Code);
        var setting = atSchool.Setting;
        if (!setting.Enabled)
        {
            throw new IncidentException("Kind", "That kind of report is not used at this school: choose another, or Something else");
        }

        if (files.Count > 0 && AttachmentStore.Refusal(kind, setting) is { } refusal)
        {
            throw new IncidentException("Files", refusal);
        }

        var errors = Validate(atSchool, input, time.GetUtcNow().UtcDateTime);
        if (errors.Count > 0)
        {
            throw new IncidentException(errors[0].Field, errors[0].Message);
        }

        var reporterId = reporter.PersonId ?? throw new IncidentException("", "Sign in to make a report");
        bool subjectAtNoSchool = false;
        if (input.SubjectId is { } subjectId)
        {
            var subject = await db.People.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == subjectId && !p.IsLeaver, ct)
                ?? throw new IncidentException("SubjectId", "Choose the member of staff from the list");
            if (subject.Id == reporterId)
            {
                throw new IncidentException("SubjectId", "You cannot report a concern about yourself here: speak to your line manager or the Head");
            }

            subjectAtNoSchool = subject.Schools.Count == 0;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var world = await WorldAsync(ct);
        var recipients = Recipients(kind, setting, world, school.Id, reporterId, input.SubjectId, subjectAtNoSchool);
        var awareAt = kind.Code == ReportKinds.DataBreach ? ParseTime(input.Answers.GetValueOrDefault("aware-at")) ?? now : (DateTime?)null;
        if (kind.Code == ReportKinds.LostDevice && input.Answers.GetValueOrDefault("held-personal-data") == "yes")
        {
            // A lost device that held personal data is a breach until the DPO decides otherwise: its clock starts now.
            awareAt = now;
        }

        // The school's own questions are kept under their words, so the record reads the same after the school edits them.
        var answers = atSchool.Fields.Where(f => !string.IsNullOrWhiteSpace(input.Answers.GetValueOrDefault(f.Code)))
            .ToDictionary(f => OwnQuestions.IsOwn(f) ? OwnQuestions.AnswerPrefix + f.Label : f.Code, f => input.Answers[f.Code]!.Trim());

        for (var attempt = 0; ; attempt++)
        {
            var year = now.Year;
            var number = (await db.Incidents.Where(i => i.SchoolId == school.Id && i.Year == year).MaxAsync(i => (int?)i.Number, ct) ?? 0) + 1;
            var incident = new Incident
            {
                SchoolId = school.Id,
                Kind = kind.Code,
                Year = year,
                Number = number,
                Reference = $"{SchoolCode(school, await db.Schools.AsNoTracking().Where(s => s.TrustId == school.TrustId).ToListAsync(ct))}-{year}-{number.ToString("0000", CultureInfo.InvariantCulture)}",
                Restricted = kind.Restricted,
                Status = IncidentStatus.Received,
                ReporterId = reporterId,
                ReportedBy = string.IsNullOrWhiteSpace(input.ReportedBy) ? null : input.ReportedBy.Trim(),
                SubjectId = input.SubjectId,
                OccurredAt = input.OccurredAt ?? now,
                AwareAt = awareAt,
                CreatedAt = now,
            };
            db.Incidents.Add(incident);
            try
            {
                // A caller's transaction (the demo trust's) is joined; otherwise the report is its own unit of work.
                await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
                await db.SaveChangesAsync(ct);
                var report = new IncidentEntry
                {
                    IncidentId = incident.Id,
                    Type = EntryTypes.Report,
                    AuthorId = reporterId,
                    AuthorName = reporter.Name,
                    At = now,
                    Text = input.WhatHappened!.Trim(),
                    Data = answers.Count == 0 ? null : JsonSerializer.Serialize(answers, Json),
                };
                db.IncidentEntries.Add(report);
                AddAttachments(incident.Id, report, files, reporter, now);
                var first = FirstSteps(recipients, setting.AcknowledgeHours);
                foreach (var r in recipients)
                {
                    db.IncidentRecipients.Add(new IncidentRecipient { IncidentId = incident.Id, PersonId = r.PersonId, Step = r.Step, Reason = r.Reason, NotifiedAt = r.Step <= first ? now : null });
                }

                incident.NotifiedStep = first;
                await NotifyAsync(incident, setting.Name, recipients.Where(r => r.Step <= first).Select(r => r.PersonId), ct);
                audit.Record(db, reporter, "incident.reported", "incident", incident.Id,
                    $"Report {incident.Reference} ({(kind.Restricted ? "restricted record" : setting.Name)}) made{FilesWords(files)} and routed to {recipients.Count} {(recipients.Count == 1 ? "person" : "people")}",
                    schoolId: school.Id);
                await db.SaveChangesAsync(ct);
                if (tx is not null)
                {
                    await tx.CommitAsync(ct);
                }

                return incident;
            }
            catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex) && attempt < 5)
            {
                // Two reports at the same school took the same number at once: this one takes the next. In a caller's
                // transaction EF rolled back to the savepoint it took before saving, and only this attempt's rows go.
                if (db.Database.CurrentTransaction is null)
                {
                    db.ChangeTracker.Clear();
                }
                else
                {
                    foreach (var added in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
                    {
                        added.State = EntityState.Detached;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Files a handler adds to the record, written already by <see cref="AttachmentStore"/>: one entry (their note, or
    /// a line saying how many) with the files' rows. The audit event gives the count, never the names.
    /// </summary>
    public async Task AttachAsync(long incidentId, IReadOnlyList<StoredAttachment> files, string? text, Actor actor, CancellationToken ct)
    {
        if (files.Count == 0)
        {
            throw new IncidentException("Files", "Choose a file to add");
        }

        if (text is { Length: > MaxText })
        {
            throw new IncidentException("Text", $"It must be {MaxText:N0} characters or fewer");
        }

        var at = await db.Incidents.Where(i => i.Id == incidentId).Select(i => new { i.SchoolId, i.Kind, i.Status }).FirstOrDefaultAsync(ct)
            ?? throw new IncidentException("", "That incident does not exist");
        if (at.Status == IncidentStatus.Closed)
        {
            throw new IncidentException("Files", "It is closed: reopen it to add files.");
        }

        var here = (await KindsAsync(at.SchoolId, ct)).First(k => k.Kind.Code == at.Kind);
        if (AttachmentStore.Refusal(here.Kind, here.Setting) is { } refusal)
        {
            throw new IncidentException("Files", refusal);
        }

        var count = files.Count == 1 ? "a file" : $"{files.Count} files";
        var body = string.IsNullOrWhiteSpace(text) ? $"Added {count}." : text.Trim();
        await ChangeAsync(incidentId, actor, "incident.attachment-added", $"{count} added", (_, _) => Entry(EntryTypes.Attachment, body) with { Files = files }, ct);
    }

    private static string FilesWords(IReadOnlyList<StoredAttachment> files) => files.Count switch
    {
        0 => "",
        1 => " with 1 file",
        _ => $" with {files.Count} files",
    };

    private void AddAttachments(long incidentId, IncidentEntry entry, IReadOnlyList<StoredAttachment> files, Actor actor, DateTime now)
    {
        foreach (var f in files)
        {
            db.IncidentAttachments.Add(new IncidentAttachment
            {
                IncidentId = incidentId,
                Entry = entry,
                FileName = f.FileName,
                ContentType = f.Kind.ContentType,
                Size = f.Size,
                Sha256 = f.Sha256,
                StoredName = f.StoredName,
                AddedById = actor.PersonId,
                AddedByName = actor.Name,
                AddedAt = now,
            });
        }
    }

    /// <summary>The first of the people told to look at it says so; the next step is then not alerted.</summary>
    public Task AcknowledgeAsync(long incidentId, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.acknowledged", "acknowledged", (incident, now) =>
        {
            if (incident.AcknowledgedAt is not null)
            {
                throw new IncidentException("", "It has already been acknowledged");
            }

            incident.AcknowledgedAt = now;
            incident.AcknowledgedById = actor.PersonId;
            if (incident.Status == IncidentStatus.Received)
            {
                incident.Status = IncidentStatus.BeingLookedAt;
            }

            return Entry(EntryTypes.Acknowledged, "Acknowledged and being looked at.");
        }, ct);

    public Task NoteAsync(long incidentId, string? text, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.note", "a note added", (incident, _) => Entry(EntryTypes.Note, Required(text, "Text", "Write the note")), ct);

    public Task DecisionAsync(long incidentId, string? text, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.decision", "a decision recorded", (incident, _) => Entry(EntryTypes.Decision, Required(text, "Text", "Write the decision and the reasons for it")), ct);

    /// <summary>The breach log's assessment, checked all at once; each one is a new entry and the latest is current.</summary>
    public Task BreachAsync(long incidentId, BreachInput input, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.breach-recorded", "breach record updated", (incident, now) =>
        {
            if (!Breach.Applies(incident))
            {
                throw new IncidentException("", "Only a personal-data breach has a breach record");
            }

            var problems = Breach.Validate(input, now);
            if (problems.Count > 0)
            {
                throw new IncidentProblems(problems);
            }

            var record = Breach.Record(input);
            return Entry(EntryTypes.Breach, record.WhatHappened, record);
        }, ct);

    /// <summary>The school may have become aware before the report was made: the clock moves, the entry keeps both times.</summary>
    public Task AwarenessAsync(long incidentId, string? awareAt, string? reason, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.awareness-corrected", "awareness time corrected", (incident, now) =>
        {
            if (!Breach.Applies(incident))
            {
                throw new IncidentException("", "Only a personal-data breach has an awareness time");
            }

            var problems = new List<(string Field, string Message)>();
            var at = ParseTime(awareAt);
            if (at is null)
            {
                problems.Add(("AwareAt", "Enter when the school became aware, like 2026-11-30 14:05"));
            }
            else if (at > now.AddMinutes(5))
            {
                problems.Add(("AwareAt", "When the school became aware must be in the past"));
            }

            if (string.IsNullOrWhiteSpace(reason))
            {
                problems.Add(("Reason", "Say why the awareness time is being corrected"));
            }
            else if (reason.Length > MaxText)
            {
                problems.Add(("Reason", $"It must be {MaxText:N0} characters or fewer"));
            }

            if (problems.Count > 0)
            {
                throw new IncidentProblems(problems);
            }

            var old = incident.AwareAt;
            incident.AwareAt = at;
            return Entry(EntryTypes.AwarenessCorrected, reason!.Trim(), new { old, @new = at });
        }, ct);

    /// <summary>KCSIE: the case manager contacts the local authority designated officer within one working day.</summary>
    public Task LadoContactAsync(long incidentId, string? who, string? when, string? reference, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.lado-contacted", "LADO contact recorded", (incident, now) =>
        {
            if (incident.Kind != ReportKinds.StaffConduct)
            {
                throw new IncidentException("", "Only a concern about a colleague is taken to the LADO");
            }

            var problems = new List<(string Field, string Message)>();
            Line(problems, who, "Who", "Enter who you spoke to at the LADO", required: true);
            var at = Past(problems, when, "When", "when you contacted the LADO");
            Line(problems, reference, "Reference", "", required: false);
            if (problems.Count > 0)
            {
                throw new IncidentProblems(problems);
            }

            var refText = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
            return Entry(EntryTypes.LadoContact, $"Contacted {who!.Trim()} at the LADO{(refText is null ? "" : $", reference {refText}")}.", new { who = who.Trim(), at, reference = refText });
        }, ct);

    public static readonly IReadOnlyList<(string Code, string Label)> Classifications = [("allegation", "Allegation"), ("low-level-concern", "Low-level concern")];

    /// <summary>The case manager says whether a conduct record is an allegation or a low-level concern; the latest entry wins.</summary>
    public async Task ClassifyAsync(long incidentId, string? classification, Actor actor, CancellationToken ct)
    {
        var caseManager = await db.IncidentRecipients.AnyAsync(r => r.IncidentId == incidentId && r.PersonId == actor.PersonId && r.Step == 0, ct);
        await ChangeAsync(incidentId, actor, "incident.classified", "classified", (incident, _) =>
        {
            if (incident.Kind != ReportKinds.StaffConduct)
            {
                throw new IncidentException("", "Only a concern about a colleague is classified");
            }

            if (!caseManager)
            {
                throw new IncidentException("", "Only the case manager classifies the record");
            }

            var label = Classifications.FirstOrDefault(c => c.Code == classification).Label
                ?? throw new IncidentException("Classification", "Choose allegation or low-level concern");
            return Entry(EntryTypes.Classified, $"Classified as: {label.ToLowerInvariant()}.", new { classification });
        }, ct);
    }

    /// <summary>
    /// Low-level concerns about a subject that <paramref name="viewer"/> can see (restricted records routed to them),
    /// each by when it was reported: a record counts when its latest classification says low-level concern.
    /// </summary>
    public async Task<List<DateTime>> LowLevelConcernsAsync(long viewer, long subjectId, CancellationToken ct)
    {
        var records = await IncidentAccess.Visible(db, viewer).AsNoTracking()
            .Where(i => i.Restricted && i.SubjectId == subjectId).Select(i => new { i.Id, i.CreatedAt }).ToListAsync(ct);
        var ids = records.Select(r => r.Id).ToList();
        var latest = (await db.IncidentEntries.AsNoTracking().Where(e => ids.Contains(e.IncidentId) && e.Type == EntryTypes.Classified).ToListAsync(ct))
            .GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ThenBy(e => e.Id).Last().Data ?? "");
        return records.Where(r => latest.GetValueOrDefault(r.Id, "").Contains("\"low-level-concern\"", StringComparison.Ordinal))
            .Select(r => r.CreatedAt).Order().ToList();
    }

    /// <summary>KCSIE: three or more low-level concerns within any twelve months are a pattern for the case manager.</summary>
    public static int MostWithinTwelveMonths(IReadOnlyList<DateTime> sorted)
    {
        var most = 0;
        for (int start = 0, end = 0; end < sorted.Count; end++)
        {
            while (sorted[start].AddMonths(12) < sorted[end])
            {
                start++;
            }

            most = Math.Max(most, end - start + 1);
        }

        return most;
    }

    /// <summary>Suspected illegal content passed to the police: which force, their reference, when.</summary>
    public Task PoliceReferralAsync(long incidentId, string? force, string? reference, string? when, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.police-referral", "police referral recorded", (incident, _) =>
        {
            if (incident.Kind != ReportKinds.IllegalContent)
            {
                throw new IncidentException("", "Police referrals are recorded on suspected illegal content");
            }

            var problems = new List<(string Field, string Message)>();
            Line(problems, force, "Force", "Enter the police force", required: true);
            Line(problems, reference, "Reference", "Enter the police reference", required: true);
            var at = Past(problems, when, "When", "when it was referred");
            if (problems.Count > 0)
            {
                throw new IncidentProblems(problems);
            }

            return Entry(EntryTypes.PoliceReferral, $"Referred to {force!.Trim()}, reference {reference!.Trim()}.", new { force = force.Trim(), reference = reference.Trim(), at });
        }, ct);

    private static void Line(List<(string Field, string Message)> problems, string? value, string field, string missing, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                problems.Add((field, missing));
            }
        }
        else if (value.Length > MaxLine)
        {
            problems.Add((field, $"It must be {MaxLine} characters or fewer"));
        }
    }

    private DateTime? Past(List<(string Field, string Message)> problems, string? value, string field, string what)
    {
        var at = ParseTime(value);
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add((field, $"Enter {what}"));
        }
        else if (at is null)
        {
            problems.Add((field, $"Enter {what} as a date and time, like 2026-11-30 14:05"));
        }
        else if (at > time.GetUtcNow().UtcDateTime.AddMinutes(5))
        {
            problems.Add((field, $"{char.ToUpperInvariant(what[0])}{what[1..]} must be in the past"));
        }

        return at;
    }

    /// <summary>An action for someone the incident was routed to, with a due date.</summary>
    public async Task ActionAsync(long incidentId, string? text, long? ownerId, DateOnly? due, Actor actor, CancellationToken ct)
    {
        var owners = await db.IncidentRecipients.Where(r => r.IncidentId == incidentId).Select(r => r.PersonId).ToListAsync(ct);
        await ChangeAsync(incidentId, actor, "incident.action", "an action added", (incident, now) =>
        {
            var body = Required(text, "Text", "Say what needs to be done");
            if (ownerId is not { } owner || !owners.Contains(owner))
            {
                throw new IncidentException("OwnerId", "Choose who will do it from the list");
            }

            if (due is not { } d)
            {
                throw new IncidentException("Due", "Enter the date it is due");
            }

            if (d < DateOnly.FromDateTime(now))
            {
                throw new IncidentException("Due", "The due date must be today or later");
            }

            return Entry(EntryTypes.Action, body, new { owner, due = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        }, ct);
    }

    public async Task ActionDoneAsync(long incidentId, long actionId, Actor actor, CancellationToken ct)
    {
        var isOpenAction = await db.IncidentEntries.AnyAsync(e => e.Id == actionId && e.IncidentId == incidentId && e.Type == EntryTypes.Action, ct)
            && !await db.IncidentEntries.AnyAsync(e => e.RefersToId == actionId && e.Type == EntryTypes.ActionDone, ct);
        await ChangeAsync(incidentId, actor, "incident.action-done", "an action marked done", (_, _) =>
            isOpenAction ? Entry(EntryTypes.ActionDone, "Done.", refersTo: actionId) : throw new IncidentException("", "That action is not open on this incident"), ct);
    }

    /// <summary>A correction is a new entry pointing at the one it corrects; the original stays as it was written.</summary>
    public async Task CorrectAsync(long incidentId, long entryId, string? text, Actor actor, CancellationToken ct)
    {
        var exists = await db.IncidentEntries.AnyAsync(e => e.Id == entryId && e.IncidentId == incidentId && e.Type != EntryTypes.Email, ct);
        await ChangeAsync(incidentId, actor, "incident.correction", "an entry corrected", (_, _) =>
            exists ? Entry(EntryTypes.Correction, Required(text, "Text", "Write the correction"), refersTo: entryId) : throw new IncidentException("", "That entry is not on this incident"), ct);
    }

    public Task CloseAsync(long incidentId, string? outcome, string? note, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.closed", "closed", (incident, now) =>
        {
            if (incident.Status == IncidentStatus.Closed)
            {
                throw new IncidentException("", "It is already closed");
            }

            var outcomes = OutcomesFor(incident);
            if (outcomes.All(o => o.Code != outcome))
            {
                throw new IncidentException("Outcome", "Choose the outcome");
            }

            var text = Required(note, "Note", "Write a closing note: what was done and why it can close");
            incident.Status = IncidentStatus.Closed;
            incident.ClosedAt = now;
            incident.Outcome = outcome;
            incident.AcknowledgedAt ??= now;
            incident.AcknowledgedById ??= actor.PersonId;
            return Entry(EntryTypes.Closed, text, new { outcome });
        }, ct);

    public Task ReopenAsync(long incidentId, string? reason, Actor actor, CancellationToken ct) =>
        ChangeAsync(incidentId, actor, "incident.reopened", "reopened", (incident, _) =>
        {
            if (incident.Status != IncidentStatus.Closed)
            {
                throw new IncidentException("", "It is not closed");
            }

            var text = Required(reason, "Reason", "Say why it is being reopened");
            incident.Status = IncidentStatus.BeingLookedAt;
            incident.ClosedAt = null;
            incident.Outcome = null;
            return Entry(EntryTypes.Reopened, text);
        }, ct);

    /// <summary>Allegations are closed with KCSIE's outcomes; everything else with the school's.</summary>
    public static IReadOnlyList<(string Code, string Label)> OutcomesFor(Incident incident) => incident.Restricted ? AllegationOutcomes : Outcomes;

    public static readonly IReadOnlyList<(string Code, string Label)> AllegationOutcomes =
    [
        ("substantiated", "Substantiated"), ("malicious", "Malicious"), ("false", "False"), ("unsubstantiated", "Unsubstantiated"), ("unfounded", "Unfounded"),
    ];

    public static string OutcomeLabel(string? code) =>
        Outcomes.Concat(AllegationOutcomes).FirstOrDefault(o => o.Code == code).Label ?? code ?? "";

    private sealed record NewEntry(string Type, string Text, object? Data, long? RefersTo)
    {
        public IReadOnlyList<StoredAttachment> Files { get; init; } = [];
    }

    private static NewEntry Entry(string type, string text, object? data = null, long? refersTo = null) => new(type, text, data, refersTo);

    private static string Required(string? text, string field, string message)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new IncidentException(field, message);
        }

        return text.Length > MaxText ? throw new IncidentException(field, $"It must be {MaxText:N0} characters or fewer") : text.Trim();
    }

    /// <summary>One change to an incident: the row's state, one entry, one audit event (reference only), in one transaction.</summary>
    private async Task ChangeAsync(long incidentId, Actor actor, string action, string words, Func<Incident, DateTime, NewEntry> change, CancellationToken ct)
    {
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct) ?? throw new IncidentException("", "That incident does not exist");
        var now = time.GetUtcNow().UtcDateTime;
        var entry = change(incident, now);
        incident.Version++;
        var added = new IncidentEntry
        {
            IncidentId = incident.Id,
            Type = entry.Type,
            AuthorId = actor.PersonId,
            AuthorName = actor.Name,
            At = now,
            Text = entry.Text,
            Data = entry.Data is null ? null : JsonSerializer.Serialize(entry.Data, Json),
            RefersToId = entry.RefersTo,
        };
        db.IncidentEntries.Add(added);
        AddAttachments(incident.Id, added, entry.Files, actor, now);
        audit.Record(db, actor, action, "incident", incident.Id, $"{incident.Reference}: {words}", schoolId: incident.SchoolId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new IncidentException("", "Someone else changed this incident at the same moment: read it again before you go on");
        }
    }

    /// <summary>
    /// Routes with time to acknowledge: when the step told last has not acknowledged within the school's hours, the
    /// next step is told. Run by the clock; returns how many incidents moved on.
    /// </summary>
    public async Task<int> EscalateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var open = await db.Incidents.Where(i => i.AcknowledgedAt == null && i.Status != IncidentStatus.Closed).ToListAsync(ct);
        var moved = 0;
        var kindsBySchool = new Dictionary<long, List<KindAtSchool>>();
        foreach (var incident in open)
        {
            if (!kindsBySchool.TryGetValue(incident.SchoolId, out var kinds))
            {
                kindsBySchool[incident.SchoolId] = kinds = await KindsAsync(incident.SchoolId, ct);
            }

            var setting = kinds.First(k => k.Kind.Code == incident.Kind).Setting;
            var recipients = await db.IncidentRecipients.Where(r => r.IncidentId == incident.Id).ToListAsync(ct);
            var lastTold = recipients.Where(r => r.NotifiedAt != null).Select(r => r.NotifiedAt!.Value).DefaultIfEmpty(incident.CreatedAt).Max();
            var next = recipients.Where(r => r.Step > incident.NotifiedStep).Select(r => (int?)r.Step).Min();
            if (setting.AcknowledgeHours is not { } hours || next is not { } step || now < lastTold.AddHours(hours))
            {
                continue;
            }

            foreach (var r in recipients.Where(r => r.Step == step))
            {
                r.NotifiedAt = now;
            }

            incident.NotifiedStep = step;
            incident.Version++;
            db.IncidentEntries.Add(new IncidentEntry
            {
                IncidentId = incident.Id,
                Type = EntryTypes.Escalated,
                AuthorName = Actor.System.Name,
                At = now,
                Text = $"Not acknowledged within {hours} {(hours == 1 ? "hour" : "hours")}: passed to the next people on the route.",
            });
            await NotifyAsync(incident, setting.Name, recipients.Where(r => r.Step == step).Select(r => r.PersonId), ct);
            audit.Record(db, Actor.System, "incident.escalated", "incident", incident.Id, $"{incident.Reference}: not acknowledged in time, passed on", schoolId: incident.SchoolId);
            await db.SaveChangesAsync(ct);
            moved++;
        }

        return moved;
    }

    /// <summary>Every problem with a report, in the form's order.</summary>
    public static List<(string Field, string Message)> Validate(KindAtSchool atSchool, ReportInput input, DateTime now)
    {
        var kind = atSchool.Kind;
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(input.WhatHappened))
        {
            errors.Add(("WhatHappened", "Say what happened"));
        }
        else if (input.WhatHappened.Length > MaxText)
        {
            errors.Add(("WhatHappened", $"What happened must be {MaxText:N0} characters or fewer"));
        }

        if (input.OccurredAt is { } at && at > now.AddMinutes(5))
        {
            errors.Add(("OccurredAt", "When it happened must be in the past"));
        }

        if (kind.NeedsSubject && input.SubjectId is null)
        {
            errors.Add(("SubjectId", "Choose the member of staff the concern is about"));
        }

        if (input.ReportedBy is { Length: > 200 })
        {
            errors.Add(("ReportedBy", "Who told you must be 200 characters or fewer"));
        }

        foreach (var field in atSchool.Fields)
        {
            var value = input.Answers.GetValueOrDefault(field.Code)?.Trim();
            var name = $"Answers[{field.Code}]";
            if (string.IsNullOrEmpty(value))
            {
                if (field.Required)
                {
                    errors.Add((name, field.Type == FieldType.YesNo ? $"Answer: {field.Label}" : $"Enter {LowerFirst(field.Label)}"));
                }

                continue;
            }

            var limit = field.Type == FieldType.Text ? MaxText : MaxLine;
            if (value.Length > limit)
            {
                errors.Add((name, $"{field.Label} must be {limit:N0} characters or fewer"));
            }
            else if (field.Type == FieldType.YesNo && value is not ("yes" or "no"))
            {
                errors.Add((name, $"Answer yes or no: {field.Label}"));
            }
            else if (field.Type == FieldType.DateTime && ParseTime(value) is not { } t)
            {
                errors.Add((name, $"{field.Label} must be a date and time, like 2026-11-30 14:05"));
            }
            else if (field.Type == FieldType.DateTime && ParseTime(value) > now.AddMinutes(5))
            {
                errors.Add((name, $"{field.Label} must be in the past"));
            }
        }

        return errors;
    }

    private static string LowerFirst(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>A date and time as a browser's datetime-local field sends it, taken as UK time.</summary>
    public static DateTime? ParseTime(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !DateTime.TryParse(value.Trim(), CultureInfo.GetCultureInfo("en-GB"), DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            return null;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(School.DefaultTimeZone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return zone.IsInvalidTime(local) ? null : TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>The last step told at once: all of them, or only the first while it has time to acknowledge.</summary>
    public static int FirstSteps(IReadOnlyList<Recipient> recipients, int? acknowledgeHours) =>
        recipients.Count == 0 ? 0 : acknowledgeHours is null ? recipients.Max(r => r.Step) : recipients.Min(r => r.Step);

    /// <summary>One email each, with the reference, the kind's general name and a link: nothing of what was reported.</summary>
    private async Task NotifyAsync(Incident incident, string kindName, IEnumerable<long> people, CancellationToken ct)
    {
        var ids = people.Distinct().ToList();
        var emails = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id) && p.Email != null && !p.IsLeaver).Select(p => new { p.Id, p.Email }).ToListAsync(ct);
        var link = $"{options.Value.PublicUrl.TrimEnd('/')}/incidents/{incident.Id}";
        var name = incident.Restricted ? "A restricted record" : kindName;
        foreach (var e in emails)
        {
            outbox.Enqueue(db, e.Email!, $"New report {incident.Reference}: {name}",
                $"""
                A report has been made that you are asked to look at.

                Reference: {incident.Reference}
                Kind: {name}

                Read it and acknowledge it here (you will be asked to sign in): {link}

                The details are only in SafeUse, not in this email.
                """, sensitive: true);
        }

        if (emails.Count > 0)
        {
            db.IncidentEntries.Add(new IncidentEntry
            {
                IncidentId = incident.Id,
                Type = EntryTypes.Email,
                AuthorName = Actor.System.Name,
                At = time.GetUtcNow().UtcDateTime,
                Text = $"Emailed {emails.Count} {(emails.Count == 1 ? "person" : "people")} that a report was made.",
                Data = JsonSerializer.Serialize(emails.Select(e => e.Id).ToList(), Json),
            });
        }
    }
}

internal static class EntryTypes
{
    public const string Report = "report";
    public const string Note = "note";
    public const string Action = "action";
    public const string ActionDone = "action-done";
    public const string Decision = "decision";
    public const string Breach = "breach";
    public const string AwarenessCorrected = "awareness-corrected";
    public const string LadoContact = "lado-contact";
    public const string Classified = "classified";
    public const string PoliceReferral = "police-referral";
    public const string Email = "email";
    public const string Correction = "correction";
    public const string Acknowledged = "acknowledged";
    public const string Escalated = "escalated";
    public const string Closed = "closed";
    public const string Reopened = "reopened";
    public const string Attachment = "attachment";
}

/// <summary>A school's names for its roles.</summary>
internal sealed class RoleNames(IReadOnlyDictionary<Role, string> labels)
{
    public string this[Role role] => labels.GetValueOrDefault(role) ?? role.Label();

    /// <summary>A recipient's reason as words: the role's name at the school, or how a line manager came to it.</summary>
    public string Reason(string reason) => reason switch
    {
        Route.LineManager => "The reporter's line manager",
        Route.LineManagersManager => "The reporter's line manager's line manager",
        _ when Roles.TryParse(reason, out var r) => this[r],
        _ => reason,
    };
}
