using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Policies;

/// <summary>
/// The policy record's fields, shared by the new (in steps) and edit pages, in three groups that are also the new
/// form's steps: about the policy, approval and review, signing and reminders. Numbers and dates are kept as typed,
/// so a wrong one is shown back with its message rather than lost.
/// </summary>
internal sealed class PolicyForm
{
    // About the policy.
    public string? Title { get; set; }
    public PolicyScope Scope { get; set; } = PolicyScope.Trust;
    public List<long> SchoolIds { get; set; } = [];
    public List<string> AudienceRoles { get; set; } = [];
    public List<string> AudienceTypes { get; set; } = [];
    public string? AudienceGroups { get; set; }
    public string? OwnerRole { get; set; } = Role.OnlineSafetyLead.ToString();
    public string? OwnerEmail { get; set; }
    public string? Originator { get; set; }

    // Approval and review.
    public string? ApprovalBody { get; set; }
    public PolicyDateInput Approved { get; set; } = new();
    public PolicyDateInput Adopted { get; set; } = new();
    public PolicyDateInput LastReview { get; set; } = new();
    public PolicyDateInput NextReview { get; set; } = new();
    public string? ReviewCycleMonths { get; set; } = "12";
    public bool ReviewOnLawChange { get; set; }
    public string? Legislation { get; set; }
    public string? LinkedPolicies { get; set; }
    public string? Dissemination { get; set; }

    // Signing and reminders.
    public string? SignWithinDays { get; set; } = "14";
    public List<ReminderRow> Reminders { get; set; } = ReminderRow.From(Policies.ReminderSchedule.Default);
    public DayOfYearInput Reconfirm { get; set; } = new();

    /// <summary>The fields of each group in the order the form shows them, for the error summary.</summary>
    public static IReadOnlyList<string> AboutOrder(string prefix) =>
        [.. new[] { nameof(Title), nameof(Scope), nameof(SchoolIds), nameof(AudienceRoles), nameof(AudienceTypes), nameof(AudienceGroups), nameof(OwnerRole), nameof(OwnerEmail), nameof(Originator) }.Select(f => $"{prefix}.{f}")];

    public static IReadOnlyList<string> ReviewOrder(string prefix) =>
        [.. new[] { nameof(ApprovalBody), nameof(Approved), nameof(Adopted), nameof(LastReview), nameof(NextReview), nameof(ReviewCycleMonths), nameof(ReviewOnLawChange), nameof(Legislation), nameof(LinkedPolicies), nameof(Dissemination) }.Select(f => $"{prefix}.{f}")];

    public IReadOnlyList<string> RemindersOrder(string prefix) =>
        [$"{prefix}.{nameof(SignWithinDays)}",
            .. Reminders.SelectMany((_, i) => new[] { nameof(ReminderRow.Days), nameof(ReminderRow.When), nameof(ReminderRow.Recipient) }.Select(f => $"{prefix}.{nameof(Reminders)}[{i}].{f}")),
            $"{prefix}.{nameof(Reconfirm)}"];

    public IReadOnlyList<string> Order(string prefix) => [.. AboutOrder(prefix), .. ReviewOrder(prefix), .. RemindersOrder(prefix)];

    public static PolicyForm From(Policy p, string? ownerEmail) => new()
    {
        Title = p.Title,
        Scope = p.Scope,
        SchoolIds = p.Schools.Select(s => s.SchoolId).ToList(),
        AudienceRoles = p.Audience.Where(a => a.Kind == AudienceKind.Role).Select(a => a.Value).ToList(),
        AudienceTypes = p.Audience.Where(a => a.Kind == AudienceKind.EmploymentType).Select(a => a.Value).ToList(),
        AudienceGroups = string.Join(", ", p.Audience.Where(a => a.Kind == AudienceKind.StaffGroup).Select(a => a.Value)),
        OwnerRole = p.OwnerRole?.ToString(),
        OwnerEmail = ownerEmail,
        Originator = p.Originator,
        ApprovalBody = p.ApprovalBody,
        Approved = PolicyDateInput.From(p.ApprovedText),
        Adopted = PolicyDateInput.From(p.AdoptedText),
        LastReview = PolicyDateInput.From(p.LastReviewText),
        NextReview = PolicyDateInput.From(p.NextReviewText),
        ReviewCycleMonths = p.ReviewCycleMonths?.ToString(CultureInfo.InvariantCulture),
        ReviewOnLawChange = p.ReviewOnLawChange,
        Legislation = p.Legislation,
        LinkedPolicies = string.Join('\n', p.Links.Select(l => l.Url is null ? l.Title : $"{l.Title} | {l.Url}")),
        Dissemination = p.Dissemination,
        SignWithinDays = p.SignWithinDays.ToString(CultureInfo.InvariantCulture),
        Reminders = ReminderRow.From(p.ReminderSchedule),
        Reconfirm = DayOfYearInput.From(p.ReconfirmMonthDay),
    };

    /// <summary>Takes one group's answers from another form (the fields one step of the new form posts).</summary>
    public void CopyAbout(PolicyForm from)
    {
        (Title, Scope, SchoolIds, AudienceRoles, AudienceTypes, AudienceGroups) = (from.Title, from.Scope, from.SchoolIds, from.AudienceRoles, from.AudienceTypes, from.AudienceGroups);
        (OwnerRole, OwnerEmail, Originator) = (from.OwnerRole, from.OwnerEmail, from.Originator);
    }

    public void CopyReview(PolicyForm from)
    {
        (ApprovalBody, Approved, Adopted, LastReview, NextReview) = (from.ApprovalBody, from.Approved, from.Adopted, from.LastReview, from.NextReview);
        (ReviewCycleMonths, ReviewOnLawChange, Legislation, LinkedPolicies, Dissemination) = (from.ReviewCycleMonths, from.ReviewOnLawChange, from.Legislation, from.LinkedPolicies, from.Dissemination);
    }

    public void CopyReminders(PolicyForm from) => (SignWithinDays, Reminders, Reconfirm) = (from.SignWithinDays, from.Reminders, from.Reconfirm);

    /// <summary>Checks every field, in form order, adding errors under "prefix.Field"; returns false when any is wrong.</summary>
    public bool Validate(ModelStateDictionary state, string prefix, IReadOnlyCollection<School> allowedSchools, bool trustWideAllowed)
    {
        ValidateAbout(state, prefix, allowedSchools, trustWideAllowed);
        ValidateReview(state, prefix);
        ValidateReminders(state, prefix);
        return state.IsValid;
    }

    public void ValidateAbout(ModelStateDictionary state, string prefix, IReadOnlyCollection<School> allowedSchools, bool trustWideAllowed)
    {
        void Error(string field, string message) => state.AddModelError($"{prefix}.{field}", message);
        if (string.IsNullOrWhiteSpace(Title))
        {
            Error(nameof(Title), "Enter the policy's title");
        }
        else if (Title.Length > 300)
        {
            Error(nameof(Title), "The title must be 300 characters or fewer");
        }

        if (Scope == PolicyScope.Trust && !trustWideAllowed)
        {
            Error(nameof(Scope), "Only a trust-wide administrator, executive leader or online safety lead can add a trust-wide policy: choose your schools");
        }

        if (Scope == PolicyScope.Schools && (SchoolIds.Count == 0 || SchoolIds.Any(id => allowedSchools.All(s => s.Id != id))))
        {
            Error(nameof(SchoolIds), "Choose at least one of your schools");
        }

        foreach (var role in AudienceRoles.Where(r => !Roles.TryParse(r, out _)))
        {
            Error(nameof(AudienceRoles), $"\"{role}\" is not a role");
        }

        foreach (var type in AudienceTypes.Where(t => !Enum.TryParse<EmploymentType>(t, true, out _)))
        {
            Error(nameof(AudienceTypes), $"\"{type}\" is not an employment type");
        }

        if (Groups(AudienceGroups).Any(g => g.Length > 40))
        {
            Error(nameof(AudienceGroups), "Each staff group name must be 40 characters or fewer");
        }

        if (!string.IsNullOrWhiteSpace(OwnerRole) && !Enum.TryParse<Role>(OwnerRole, out _))
        {
            Error(nameof(OwnerRole), "Choose an owner role");
        }
    }

    public void ValidateReview(ModelStateDictionary state, string prefix)
    {
        void Error(string field, string message) => state.AddModelError($"{prefix}.{field}", message);
        foreach (var (field, input, label) in Dates())
        {
            input.Check(state, $"{prefix}.{field}", label);
        }

        if (!string.IsNullOrWhiteSpace(ReviewCycleMonths))
        {
            if (!int.TryParse(ReviewCycleMonths.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var months))
            {
                Error(nameof(ReviewCycleMonths), "Enter the review cycle as a whole number of months, like 12");
            }
            else if (months is < 1 or > 60)
            {
                Error(nameof(ReviewCycleMonths), "The review cycle must be between 1 and 60 months");
            }
        }

        foreach (var (line, index) in (LinkedPolicies ?? "").Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(x => x.Item1.Length > 0))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar >= 0 && !(Uri.TryCreate(line[(bar + 1)..].Trim(), UriKind.Absolute, out var address) && address.Scheme is "http" or "https" or "mailto"))
            {
                Error(nameof(LinkedPolicies), $"Line {index}: \"{line[(bar + 1)..].Trim()}\" is not a web address: links must start https://, http:// or mailto: (write Title | https://...)");
            }
        }
    }

    public void ValidateReminders(ModelStateDictionary state, string prefix)
    {
        if (!int.TryParse(SignWithinDays?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            state.AddModelError($"{prefix}.{nameof(SignWithinDays)}", "Enter the days staff have to sign as a whole number, like 14");
        }
        else if (days is < 1 or > 365)
        {
            state.AddModelError($"{prefix}.{nameof(SignWithinDays)}", "Staff must have between 1 and 365 days to sign");
        }

        ReminderRow.Validate(Reminders, state, $"{prefix}.{nameof(Reminders)}");
        Reconfirm.Check(state, $"{prefix}.{nameof(Reconfirm)}", "The day everyone re-confirms");
    }

    /// <summary>The named owner's id, or an error on OwnerEmail when no current member of staff has that address.</summary>
    /// <remarks>
    /// Only people the author manages are found (their trust and, below trust level, their schools), and anyone else
    /// gets the same answer as an address no one has, so the field cannot be used to learn who works elsewhere.
    /// </remarks>
    public async Task<long?> ResolveOwnerAsync(Platform.Data.AppDbContext db, long trustId, Platform.Auth.SchoolScope scope, ModelStateDictionary state, string prefix, CancellationToken ct, long? currentOwnerId = null)
    {
        if (string.IsNullOrWhiteSpace(OwnerEmail))
        {
            return null;
        }

        var normalized = Person.Normalize(OwnerEmail);
        var schoolIds = scope.SchoolIds.ToList();
        var id = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.People.Where(p => p.TrustId == trustId && p.EmailNormalized == normalized && !p.IsLeaver
                    && (scope.AllSchools || p.Id == currentOwnerId || p.Schools.Any(s => schoolIds.Contains(s.SchoolId))))
                .Select(p => (long?)p.Id), ct);
        if (id is null)
        {
            state.AddModelError($"{prefix}.{nameof(OwnerEmail)}", "No current member of staff in your schools has that email address");
        }

        return id;
    }

    /// <summary>Writes the (valid) answers to the policy.</summary>
    public void ApplyTo(Policy p, long? ownerPersonId)
    {
        p.Title = Title!.Trim();
        p.Scope = Scope;
        p.Schools.Clear();
        if (Scope == PolicyScope.Schools)
        {
            p.Schools.AddRange(SchoolIds.Distinct().Select(id => new PolicySchool { SchoolId = id }));
        }

        p.OwnerRole = Enum.TryParse<Role>(OwnerRole, out var role) ? role : null;
        p.OwnerPersonId = ownerPersonId;
        p.Originator = Blank(Originator);
        p.ApprovalBody = Blank(ApprovalBody);
        (p.ApprovedText, p.ApprovedOn) = Approved.Value;
        (p.AdoptedText, p.AdoptedOn) = Adopted.Value;
        (p.LastReviewText, p.LastReviewOn) = LastReview.Value;
        (p.NextReviewText, p.NextReviewOn) = NextReview.Value;
        p.ReviewCycleMonths = int.TryParse(ReviewCycleMonths?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var months) ? months : null;
        p.ReviewOnLawChange = ReviewOnLawChange;
        p.Legislation = Blank(Legislation);
        p.Dissemination = Blank(Dissemination);
        p.SignWithinDays = int.Parse(SignWithinDays!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        p.ReminderSchedule = ReminderRow.ToSchedule(Reminders);
        p.Audience.Clear();
        p.Audience.AddRange(AudienceRules());
        (p.ReconfirmText, p.ReconfirmMonthDay) = (Reconfirm.Text, Reconfirm.MonthDay);
        p.Links.Clear();
        foreach (var line in (LinkedPolicies ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            p.Links.Add(bar < 0 ? new PolicyLink { Title = line } : new PolicyLink { Title = line[..bar].Trim(), Url = line[(bar + 1)..].Trim() });
        }

        // When no next review is given, it follows from the last review (or adoption) and the cycle.
        if (p.NextReviewOn is null && (p.LastReviewOn ?? p.AdoptedOn ?? p.ApprovedOn) is { } from && p.ReviewCycleMonths is { } cycle)
        {
            p.NextReviewOn = from.AddMonths(cycle);
        }
    }

    /// <summary>Who must sign, as the policy's audience rules.</summary>
    public IEnumerable<PolicyAudience> AudienceRules() =>
        AudienceRoles.Distinct().Select(r => new PolicyAudience { Kind = AudienceKind.Role, Value = r })
            .Concat(AudienceTypes.Distinct().Select(t => new PolicyAudience { Kind = AudienceKind.EmploymentType, Value = t }))
            .Concat(Groups(AudienceGroups).Select(g => new PolicyAudience { Kind = AudienceKind.StaffGroup, Value = g }));

    /// <summary>The date fields with the names their errors use.</summary>
    public IEnumerable<(string Field, PolicyDateInput Input, string Label)> Dates() =>
    [
        (nameof(Approved), Approved, "Date approved"),
        (nameof(Adopted), Adopted, "Date adopted or issued"),
        (nameof(LastReview), LastReview, "Last review"),
        (nameof(NextReview), NextReview, "Next review"),
    ];

    private static IEnumerable<string> Groups(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>
/// One of the policy's dates as schools give them: a date (its day may be left out for a month, "September 2025"),
/// or a school term ("Autumn Term 2025"), a choice of its own. Stored as that text beside the date it starts.
/// </summary>
internal sealed class PolicyDateInput
{
    public const string DateKind = "date";
    public const string TermKind = "term";
    public static readonly string[] Terms = ["Autumn", "Spring", "Summer"];

    public string? Kind { get; set; } = DateKind;
    public string? Day { get; set; }
    public string? Month { get; set; }
    public string? Year { get; set; }
    public string? Term { get; set; }
    public string? TermYear { get; set; }

    /// <summary>
    /// A term when chosen, or when only the term's boxes were filled: both choices' boxes are always on the page, so
    /// what was typed counts over a radio left as it was.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsTerm
    {
        get
        {
            var dateBlank = string.IsNullOrWhiteSpace(Day) && string.IsNullOrWhiteSpace(Month) && string.IsNullOrWhiteSpace(Year);
            var termBlank = string.IsNullOrWhiteSpace(Term) && string.IsNullOrWhiteSpace(TermYear);
            return Kind == TermKind ? !(termBlank && !dateBlank) : dateBlank && !termBlank;
        }
    }

    /// <summary>The text and date to store, or (null, null) when empty or not valid.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public (string? Text, DateOnly? On) Value
    {
        get
        {
            var text = Text;
            return (text, PolicyDates.Parse(text));
        }
    }

    /// <summary>How the date is written: "1 September 2025", "September 2025" or "Autumn Term 2025".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Text
    {
        get
        {
            if (IsTerm)
            {
                return Terms.FirstOrDefault(t => t.Equals(Term?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } term
                    && TermYear?.Trim() is { Length: 4 } y && int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? $"{term} Term {y}" : null;
            }

            var check = GovDate.Check("", Day, Month, Year, DateShape.DayOptional);
            return check.Value is not { } date ? null : date.ToString(check.HasDay ? "d MMMM yyyy" : "MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"));
        }
    }

    public static PolicyDateInput From(string? text)
    {
        if (PolicyDates.Parse(text) is not { } date)
        {
            return new();
        }

        var words = text!.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (Terms.FirstOrDefault(t => t.Equals(words[0], StringComparison.OrdinalIgnoreCase)) is { } term)
        {
            return new() { Kind = TermKind, Term = term, TermYear = date.Year.ToString(CultureInfo.InvariantCulture) };
        }

        var monthOnly = PolicyDates.IsMonth(text);
        return new()
        {
            Day = monthOnly ? null : date.Day.ToString(CultureInfo.InvariantCulture),
            Month = date.Month.ToString(CultureInfo.InvariantCulture),
            Year = date.Year.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Checks the chosen kind's boxes, recording a problem under name.Day/Month/Year or name.Term/TermYear.</summary>
    public void Check(ModelStateDictionary state, string name, string label)
    {
        if (Kind is not (DateKind or TermKind))
        {
            state.AddModelError($"{name}.Day", $"Choose whether the {char.ToLowerInvariant(label[0])}{label[1..]} is a date or a term");
            return;
        }

        if (!IsTerm)
        {
            GovDate.Check(state, name, label, Day, Month, Year, DateShape.DayOptional);
            return;
        }

        var (term, year) = (Term?.Trim() ?? "", TermYear?.Trim() ?? "");
        if (term.Length == 0 && year.Length == 0)
        {
            return;
        }

        if (term.Length == 0 || !Terms.Contains(term, StringComparer.OrdinalIgnoreCase))
        {
            state.AddModelError($"{name}.Term", $"{label} must include a term");
        }
        else if (year.Length == 0)
        {
            state.AddModelError($"{name}.TermYear", $"{label} must include a year");
        }
        else if (year.Length != 4 || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y))
        {
            state.AddModelError($"{name}.TermYear", $"{label} year must include 4 numbers");
        }
        else if (y is < 1900 or > 2199)
        {
            state.AddModelError($"{name}.TermYear", $"{label} must be between 1900 and 2199");
        }
    }
}

/// <summary>A day of every year (day and month boxes), for yearly re-confirmation.</summary>
internal sealed class DayOfYearInput
{
    public string? Day { get; set; }
    public string? Month { get; set; }

    /// <summary>As month * 100 + day, or null when empty or not valid.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? MonthDay => GovDate.Check("", Day, Month, null, DateShape.DayOfYear).Value is { } d ? d.Month * 100 + d.Day : null;

    [System.Text.Json.Serialization.JsonIgnore]
    public string? Text => MonthDay is { } md ? new DateOnly(2000, md / 100, md % 100).ToString("d MMMM", CultureInfo.GetCultureInfo("en-GB")) : null;

    public static DayOfYearInput From(int? monthDay) => monthDay is { } md
        ? new() { Day = (md % 100).ToString(CultureInfo.InvariantCulture), Month = (md / 100).ToString(CultureInfo.InvariantCulture) }
        : new();

    public void Check(ModelStateDictionary state, string name, string label) => GovDate.Check(state, name, label, Day, Month, null, DateShape.DayOfYear);
}

/// <summary>One step of the reminder schedule as the form shows it: a number of days, counted from when, and who it goes to.</summary>
internal sealed class ReminderRow
{
    public const string AfterRequest = "after-request";
    public const string BeforeDue = "before-due";
    public const string AfterDue = "after-due";

    public static readonly (string Value, string Label)[] WhenChoices =
        [(AfterRequest, "days after they are asked"), (BeforeDue, "days before the due date"), (AfterDue, "days after the due date")];

    public static readonly (ReminderRecipient Value, string Label)[] RecipientChoices =
        [(ReminderRecipient.Person, "the member of staff"), (ReminderRecipient.LineManager, "their line manager"), (ReminderRecipient.Head, "the Head")];

    public string? Days { get; set; }
    public string? When { get; set; } = AfterRequest;
    public string? Recipient { get; set; } = nameof(ReminderRecipient.Person);

    public bool IsBlank => string.IsNullOrWhiteSpace(Days);

    public static List<ReminderRow> From(string? schedule) =>
        ReminderSchedule.TryParse(schedule, out var steps, out _)
            ? steps.Select(s => new ReminderRow
            {
                Days = Math.Abs(s.Days).ToString(CultureInfo.InvariantCulture),
                When = !s.FromDue ? AfterRequest : s.Days < 0 ? BeforeDue : AfterDue,
                Recipient = s.Recipient.ToString(),
            }).ToList()
            : [];

    /// <summary>The steps the rows make, skipping rows left empty; only for rows that passed <see cref="Validate"/>.</summary>
    public static List<ReminderStep> Steps(IEnumerable<ReminderRow> rows) =>
        rows.Where(r => !r.IsBlank).Select((r, i) =>
        {
            var days = int.Parse(r.Days!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            return new ReminderStep(i + 1, r.When != AfterRequest, r.When == BeforeDue ? -days : days, Enum.Parse<ReminderRecipient>(r.Recipient!));
        }).ToList();

    public static string ToSchedule(IEnumerable<ReminderRow> rows) => string.Join(", ", Steps(rows));

    /// <summary>
    /// Each row: days a whole number in the range its "when" allows, a known "when" and recipient, and no step the
    /// same as an earlier one. Errors are "Step N: ..." under name[i].Field; a row with no days is left out.
    /// </summary>
    public static void Validate(IReadOnlyList<ReminderRow> rows, ModelStateDictionary state, string name)
    {
        var seen = new Dictionary<(string?, int, string?), int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.IsBlank)
            {
                continue;
            }

            var step = i + 1;
            var ok = true;
            var (min, what) = row.When switch
            {
                BeforeDue => (1, "before the due date"),
                AfterDue => (0, "after the due date"),
                _ => (1, "after they are asked"),
            };
            if (!int.TryParse(row.Days!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            {
                state.AddModelError($"{name}[{i}].{nameof(Days)}", $"Step {step}: enter the number of days as a whole number, like 7");
                ok = false;
            }
            else if (days < min || days > 365)
            {
                state.AddModelError($"{name}[{i}].{nameof(Days)}", $"Step {step}: the days {what} must be between {min} and 365");
                ok = false;
            }

            if (WhenChoices.All(c => c.Value != row.When))
            {
                state.AddModelError($"{name}[{i}].{nameof(When)}", $"Step {step}: choose when the reminder is sent");
                ok = false;
            }

            if (!Enum.TryParse<ReminderRecipient>(row.Recipient, out _) || int.TryParse(row.Recipient, out _))
            {
                state.AddModelError($"{name}[{i}].{nameof(Recipient)}", $"Step {step}: choose who the reminder goes to");
                ok = false;
            }

            if (!ok)
            {
                continue;
            }

            // due+0 and "0 days after the due date" are one moment; so are the same days counted the same way.
            var key = (row.When, days, row.Recipient);
            if (seen.TryGetValue(key, out var earlier))
            {
                state.AddModelError($"{name}[{i}].{nameof(Days)}", $"Step {step} is the same as step {earlier}: change it, or empty its days to remove it");
            }
            else
            {
                seen[key] = step;
            }
        }
    }
}

/// <summary>Dates as schools write them: an exact date, a month and year, or a school term (its first day).</summary>
internal static class PolicyDates
{
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");
    private static readonly string[] Exact = ["d MMMM yyyy", "d MMM yyyy", "dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd", "dd.MM.yyyy", "d MMMM, yyyy"];
    private static readonly string[] Month = ["MMMM yyyy", "MMM yyyy", "MM/yyyy"];

    /// <summary>A day of the year ("1 September", "01/09") as month * 100 + day, for yearly re-confirmation.</summary>
    public static int? MonthDay(string? text)
    {
        var t = string.Join(' ', (text ?? "").Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        t = System.Text.RegularExpressions.Regex.Replace(t, @"(\d)(st|nd|rd|th)\b", "$1");
        return DateTime.TryParseExact(t + " 2000", ["d MMMM yyyy", "d MMM yyyy", "dd/MM yyyy", "d/M yyyy"], EnGb, DateTimeStyles.None, out var d) ? d.Month * 100 + d.Day : null;
    }

    /// <summary>True when the text gives a month and year only ("September 2025", "09/2025").</summary>
    public static bool IsMonth(string? text) =>
        DateOnly.TryParseExact(Clean(text), Month, EnGb, DateTimeStyles.None, out _);

    private static string Clean(string? text)
    {
        var t = string.Join(' ', (text ?? "").Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return System.Text.RegularExpressions.Regex.Replace(t, @"(\d)(st|nd|rd|th)\b", "$1");
    }

    public static DateOnly? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = Clean(text);
        if (DateOnly.TryParseExact(t, Exact, EnGb, DateTimeStyles.None, out var d))
        {
            return d;
        }

        if (DateOnly.TryParseExact(t, Month, EnGb, DateTimeStyles.None, out var m))
        {
            return new DateOnly(m.Year, m.Month, 1);
        }

        // School terms: Autumn starts 1 September, Spring 1 January, Summer 15 April (after the Easter holiday in most years).
        var words = t.ToLowerInvariant().Split(' ');
        if (words.Length is 2 or 3 && int.TryParse(words[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and < 2200
            && (words.Length == 2 || words[1] == "term"))
        {
            return words[0] switch
            {
                "autumn" => new DateOnly(year, 9, 1),
                "spring" => new DateOnly(year, 1, 1),
                "summer" => new DateOnly(year, 4, 15),
                _ => null,
            };
        }

        return null;
    }
}
