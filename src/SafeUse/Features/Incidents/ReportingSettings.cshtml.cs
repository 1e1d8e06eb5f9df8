using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>One kind's row of the report kinds form.</summary>
internal sealed class KindForm
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public bool Enabled { get; set; }
    public bool Files { get; set; }
    public List<string?> Route { get; set; } = [];
    public string? Hours { get; set; }

    /// <summary>The codes of SafeUse's optional questions still asked (the ticked boxes).</summary>
    public List<string> Asked { get; set; } = [];

    /// <summary>The school's own questions, one per line.</summary>
    public string? Questions { get; set; }
}

/// <summary>
/// A school's reporting settings: its names for the roles reports go to, and for each kind of report its name there,
/// whether it is offered, whether files may be attached, its route and the hours the first step has to acknowledge.
/// Administrators of the school (or of the whole trust) only; a school outside their scope does not exist for them.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class ReportingSettingsModel(AppDbContext db, CurrentUser current, AuditTrail audit, IncidentService incidents) : PageModel
{
    public const int MaxLabel = 80;
    public const int MaxName = 120;
    public const int MaxHours = 168;
    public const int Steps = 4;

    /// <summary>The roles that receive reports or are named to staff, in the order the form shows them.</summary>
    public static readonly IReadOnlyList<Role> LabelledRoles =
        [Role.Head, Role.Dsl, Role.DeputyDsl, Role.OnlineSafetyLead, Role.ItLead, Role.Dpo, Role.SeniorLeader, Role.ExecutiveLeader, Role.ChairOfGovernors, Role.LineManager];

    public static readonly string[] StepNames = ["First", "Then", "Then", "Then"];

    [BindProperty(SupportsGet = true, Name = "school")]
    public long? SchoolId { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Labels { get; set; } = [];

    [BindProperty]
    public List<KindForm> Kinds { get; set; } = [];

    /// <summary>The <see cref="Stamp"/> of the settings the administrator was shown, sent back with either form.</summary>
    [BindProperty]
    public string? Read { get; set; }

    /// <summary>
    /// A digest of the school's stored names and kinds. A save made against settings someone else has changed since
    /// the page was read is refused, so one administrator never silently undoes another's change.
    /// </summary>
    public string Stamp => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        System.Text.Json.JsonSerializer.Serialize(new { Labels = Stored.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"), Kinds = Current.Select(c => Shape(c.Setting)) }))))[..16];

    public List<School> Schools { get; private set; } = [];
    public School? School { get; private set; }
    public RoleNames Names { get; private set; } = new(new Dictionary<Role, string>());
    public IReadOnlyDictionary<Role, string> Stored { get; private set; } = new Dictionary<Role, string>();
    public List<KindAtSchool> Current { get; private set; } = [];

    public static string LabelField(Role role) => $"Labels[{role.Code()}]";

    public static string KindField(int index, string part) => $"Kinds[{index.ToString(CultureInfo.InvariantCulture)}].{part}";

    public static string StepField(int index, int step) => KindField(index, $"Route[{step.ToString(CultureInfo.InvariantCulture)}]");

    /// <summary>Both forms' fields in the order they appear, so the error summary lists them so.</summary>
    public static IReadOnlyList<string> FormOrder { get; } =
    [
        .. LabelledRoles.Select(LabelField),
        .. ReportKinds.All.SelectMany((_, i) => new[] { KindField(i, "Name"), KindField(i, "Enabled"), KindField(i, "Files") }
            .Concat(Enumerable.Range(0, Steps).Select(s => StepField(i, s))).Append(KindField(i, "Hours")).Append(KindField(i, "Asked")).Append(KindField(i, "Questions"))),
    ];

    /// <summary>What may be chosen at a step of a route: the receiving roles and the reporter's line manager.</summary>
    public IEnumerable<(string Code, string Label)> Receivers =>
        Route.Receivers.Where(r => r != Role.LineManager).Select(r => (r.Code(), RoleWords(r)))
            .Append((Route.LineManager, "The reporter's line manager"));

    /// <summary>The school's name for a role, with SafeUse's beside it when they differ.</summary>
    public string RoleWords(Role role) => Names[role] == role.Label() ? role.Label() : $"{Names[role]} ({role.Label()})";

    public string RecipientWords(string code) => code == Route.LineManager ? "The reporter's line manager"
        : Roles.TryParse(code, out var r) ? RoleWords(r) : code;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        if (School is not null)
        {
            Fill();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostLabelsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || School is null)
        {
            return NotFound();
        }

        if (Stale())
        {
            return Page();
        }

        var wanted = new Dictionary<Role, string>();
        foreach (var role in LabelledRoles)
        {
            var value = Labels.GetValueOrDefault(role.Code())?.Trim() ?? "";
            if (value.Length > MaxLabel)
            {
                ModelState.AddModelError(LabelField(role), $"The name for {role.Label()} must be {MaxLabel} characters or fewer");
            }
            else if (value.Length > 0)
            {
                wanted[role] = value;
            }
        }

        if (!ModelState.IsValid)
        {
            FillKinds();
            return Page();
        }

        var schoolId = School.Id;
        var rows = await db.RoleLabels.Where(l => l.SchoolId == schoolId).ToListAsync(ct);
        var before = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var after = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var role in LabelledRoles)
        {
            var row = rows.FirstOrDefault(r => r.Role == role);
            var value = wanted.GetValueOrDefault(role);
            if (row?.Label == value)
            {
                continue;
            }

            before[role.Code()] = row?.Label;
            after[role.Code()] = value;
            if (row is null)
            {
                db.RoleLabels.Add(new RoleLabel { SchoolId = schoolId, Role = role, Label = value! });
            }
            else if (value is null)
            {
                db.RoleLabels.Remove(row);
            }
            else
            {
                row.Label = value;
            }
        }

        if (after.Count == 0)
        {
            TempData["Success"] = "Nothing changed.";
            return Redirect(Here);
        }

        var words = string.Join("; ", after.Select(a => $"{(Roles.TryParse(a.Key, out var r) ? r.Label() : a.Key)}: {a.Value ?? "SafeUse's name"}"));
        audit.Record(db, await current.ActorAsync(ct), "reporting.labels-changed", "school", schoolId,
            $"Role names at {School.Name} changed ({words})", before: before, after: after, schoolId: schoolId);
        return await SaveAsync($"Saved the role names for {School.Name}.", ct);
    }

    public async Task<IActionResult> OnPostKindsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || School is null)
        {
            return NotFound();
        }

        if (Stale())
        {
            return Page();
        }

        var wanted = new List<ReportKindSetting>();
        for (var i = 0; i < ReportKinds.All.Count; i++)
        {
            var kind = ReportKinds.All[i];
            var current = Current[i].Setting;
            var form = Kinds.ElementAtOrDefault(i);
            if (form is null || form.Code != kind.Code)
            {
                // The form lists every kind in ReportKinds' order; anything else was not sent by this page.
                ModelState.AddModelError("", "The form was out of date: read the settings again and make your changes");
                break;
            }

            var name = form.Name?.Trim() ?? "";
            if (name.Length == 0)
            {
                ModelState.AddModelError(KindField(i, "Name"), $"Enter the name of \"{kind.Name}\" at your school");
            }
            else if (name.Length > MaxName)
            {
                ModelState.AddModelError(KindField(i, "Name"), $"The name of \"{kind.Name}\" must be {MaxName} characters or fewer");
            }

            var route = kind.Restricted ? Route.Parse(current.Route).ToList() : ValidRoute(i, kind, form);
            int? hours = null;
            if (!kind.Restricted && !string.IsNullOrWhiteSpace(form.Hours))
            {
                if (int.TryParse(form.Hours.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h is >= 1 and <= MaxHours)
                {
                    hours = h;
                }
                else
                {
                    ModelState.AddModelError(KindField(i, "Hours"), $"Hours to acknowledge for \"{kind.Name}\" must be a whole number from 1 to {MaxHours}, or blank");
                }
            }

            var optional = kind.Fields.Where(f => !f.Required).Select(f => f.Code).ToList();
            if (form.Asked.Any(a => !optional.Contains(a)))
            {
                ModelState.AddModelError(KindField(i, "Asked"), $"Choose the questions for \"{kind.Name}\" from the list");
            }

            if (OwnQuestions.Check(form.Questions, kind.Name, out var questions) is { } questionProblem)
            {
                ModelState.AddModelError(KindField(i, "Questions"), questionProblem);
            }

            var omitted = optional.Where(o => !form.Asked.Contains(o)).ToList();
            wanted.Add(new ReportKindSetting
            {
                SchoolId = School.Id,
                Kind = kind.Code,
                Name = name,
                Enabled = form.Enabled,
                AttachmentsAllowed = form.Files && !kind.AttachmentsForbidden,
                Route = Route.Format(route),
                AcknowledgeHours = hours,
                Questions = questions,
                Omitted = omitted.Count == 0 ? null : string.Join(',', omitted),
            });
        }

        if (!ModelState.IsValid)
        {
            FillLabels();
            if (wanted.Count < ReportKinds.All.Count)
            {
                FillKinds();
            }

            return Page();
        }

        var schoolId = School.Id;
        var rows = await db.ReportKindSettings.Where(s => s.SchoolId == schoolId).ToDictionaryAsync(s => s.Kind, ct);
        var before = new List<object>();
        var after = new List<object>();
        var changed = new List<string>();
        foreach (var (want, was) in wanted.Zip(Current.Select(c => c.Setting)))
        {
            if (Same(want, was))
            {
                continue;
            }

            before.Add(Shape(was));
            after.Add(Shape(want));
            changed.Add(want.Name);
            if (rows.TryGetValue(want.Kind, out var row))
            {
                row.Name = want.Name;
                row.Enabled = want.Enabled;
                row.AttachmentsAllowed = want.AttachmentsAllowed;
                row.Route = want.Route;
                row.AcknowledgeHours = want.AcknowledgeHours;
                row.Questions = want.Questions;
                row.Omitted = want.Omitted;
            }
            else
            {
                db.ReportKindSettings.Add(want);
            }
        }

        if (changed.Count == 0)
        {
            TempData["Success"] = "Nothing changed.";
            return Redirect(Here);
        }

        audit.Record(db, await current.ActorAsync(ct), "reporting.kinds-changed", "school", schoolId,
            $"Report kinds at {School.Name} changed: {string.Join(", ", changed)}", before: before, after: after, schoolId: schoolId);
        return await SaveAsync($"Saved the report kinds for {School.Name}.", ct);
    }

    /// <summary>True (with the error, and the settings as they now are) when someone saved since this form was read.</summary>
    private bool Stale()
    {
        if (Read == Stamp)
        {
            return false;
        }

        ModelState.Clear();
        ModelState.AddModelError("", "Someone else saved these settings after you opened this page. They are shown below as they are now: make your change again and save.");
        Fill();
        return true;
    }

    private string Here => $"/settings/reporting?school={School!.Id.ToString(CultureInfo.InvariantCulture)}";

    private async Task<IActionResult> SaveAsync(string success, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // Another administrator saved the same school's settings for the first time at the same moment.
            db.ChangeTracker.Clear();
            TempData["Success"] = "Someone else changed these settings at the same moment: check them and save again if you need to.";
            return Redirect(Here);
        }

        TempData["Success"] = success;
        return Redirect(Here);
    }

    /// <summary>The route as chosen: blanks dropped; a recipient not on the list or chosen twice is an error on its own step.</summary>
    private List<string> ValidRoute(int index, ReportKind kind, KindForm form)
    {
        var route = new List<string>();
        var refused = false;
        for (var step = 0; step < Math.Min(form.Route.Count, Steps); step++)
        {
            var code = form.Route[step]?.Trim();
            if (string.IsNullOrEmpty(code))
            {
                continue;
            }

            if (!Route.IsValidRecipient(code))
            {
                refused = true;
                ModelState.AddModelError(StepField(index, step), $"Choose who is told from the list for \"{kind.Name}\"");
            }
            else if (route.Contains(code))
            {
                refused = true;
                ModelState.AddModelError(StepField(index, step), $"{Platform.Web.Gov.Sentence(RecipientWords(code))} is already on the route for \"{kind.Name}\": choose each only once");
            }
            else
            {
                route.Add(code);
            }
        }

        if (route.Count == 0 && !refused)
        {
            ModelState.AddModelError(StepField(index, 0), $"Choose who is told first about \"{kind.Name}\"");
        }

        return route;
    }

    private static bool Same(ReportKindSetting a, ReportKindSetting b) =>
        a.Name == b.Name && a.Enabled == b.Enabled && a.AttachmentsAllowed == b.AttachmentsAllowed && a.Route == b.Route && a.AcknowledgeHours == b.AcknowledgeHours
        && a.Questions == b.Questions && (a.Omitted ?? "") == (b.Omitted ?? "");

    private static object Shape(ReportKindSetting s) => new { s.Kind, s.Name, s.Enabled, Files = s.AttachmentsAllowed, s.Route, s.AcknowledgeHours, s.Questions, s.Omitted };

    /// <summary>The schools in the administrator's scope and the chosen one; false when the chosen one is not theirs.</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync([Role.Administrator], ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        School = SchoolId is { } id ? Schools.FirstOrDefault(s => s.Id == id) : Schools.Count == 1 ? Schools[0] : null;
        if (SchoolId is not null && School is null)
        {
            return false;
        }

        if (School is not null)
        {
            Names = await incidents.LabelsAsync(School.Id, ct);
            Stored = await db.RoleLabels.AsNoTracking().Where(l => l.SchoolId == School.Id).ToDictionaryAsync(l => l.Role, l => l.Label, ct);
            Current = await incidents.KindsAsync(School.Id, ct);
        }

        return true;
    }

    private void Fill()
    {
        FillLabels();
        FillKinds();
    }

    private void FillLabels() => Labels = LabelledRoles.ToDictionary(r => r.Code(), r => Stored.GetValueOrDefault(r));

    private void FillKinds() => Kinds = Current.Select(c => new KindForm
    {
        Code = c.Kind.Code,
        Name = c.Setting.Name,
        Enabled = c.Setting.Enabled,
        Files = c.Setting.AttachmentsAllowed && !c.Kind.AttachmentsForbidden,
        Route = [.. Route.Parse(c.Setting.Route)],
        Hours = c.Setting.AcknowledgeHours?.ToString(CultureInfo.InvariantCulture),
        Asked = c.Kind.Fields.Where(f => !f.Required && !c.Omitted.Contains(f.Code)).Select(f => f.Code).ToList(),
        Questions = c.Setting.Questions,
    }).ToList();
}
