using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SafeUse.Features.People;
using SafeUse.Features.Schools;

namespace SafeUse.Features.Policies;

/// <summary>The policy record's fields, shared by the new and edit pages.</summary>
internal sealed class PolicyForm
{
    public string? Title { get; set; }
    public PolicyScope Scope { get; set; } = PolicyScope.Trust;
    public List<long> SchoolIds { get; set; } = [];
    public string? OwnerRole { get; set; } = Role.OnlineSafetyLead.ToString();
    public string? OwnerEmail { get; set; }
    public string? Originator { get; set; }
    public string? ApprovalBody { get; set; }
    public string? Approved { get; set; }
    public string? Adopted { get; set; }
    public string? LastReview { get; set; }
    public string? NextReview { get; set; }
    public int? ReviewCycleMonths { get; set; } = 12;
    public bool ReviewOnLawChange { get; set; }
    public string? Legislation { get; set; }
    public string? LinkedPolicies { get; set; }
    public string? Dissemination { get; set; }
    public List<string> AudienceRoles { get; set; } = [];
    public List<string> AudienceTypes { get; set; } = [];
    public string? AudienceGroups { get; set; }
    public string? Reconfirm { get; set; }
    public int SignWithinDays { get; set; } = 14;
    public string? ReminderSchedule { get; set; } = Policies.ReminderSchedule.Default;

    public static PolicyForm From(Policy p, string? ownerEmail) => new()
    {
        Title = p.Title,
        Scope = p.Scope,
        SchoolIds = p.Schools.Select(s => s.SchoolId).ToList(),
        OwnerRole = p.OwnerRole?.ToString(),
        OwnerEmail = ownerEmail,
        Originator = p.Originator,
        ApprovalBody = p.ApprovalBody,
        Approved = p.ApprovedText,
        Adopted = p.AdoptedText,
        LastReview = p.LastReviewText,
        NextReview = p.NextReviewText,
        ReviewCycleMonths = p.ReviewCycleMonths,
        ReviewOnLawChange = p.ReviewOnLawChange,
        Legislation = p.Legislation,
        LinkedPolicies = string.Join('\n', p.Links.Select(l => l.Url is null ? l.Title : $"{l.Title} | {l.Url}")),
        Dissemination = p.Dissemination,
        AudienceRoles = p.Audience.Where(a => a.Kind == AudienceKind.Role).Select(a => a.Value).ToList(),
        AudienceTypes = p.Audience.Where(a => a.Kind == AudienceKind.EmploymentType).Select(a => a.Value).ToList(),
        AudienceGroups = string.Join(", ", p.Audience.Where(a => a.Kind == AudienceKind.StaffGroup).Select(a => a.Value)),
        Reconfirm = p.ReconfirmText,
        SignWithinDays = p.SignWithinDays,
        ReminderSchedule = p.ReminderSchedule,
    };

    /// <summary>Checks every field, adding errors under "prefix.Field"; returns false when any is wrong.</summary>
    public bool Validate(ModelStateDictionary state, string prefix, IReadOnlyCollection<School> allowedSchools, bool trustWideAllowed)
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

        if (!string.IsNullOrWhiteSpace(OwnerRole) && !Enum.TryParse<Role>(OwnerRole, out _))
        {
            Error(nameof(OwnerRole), "Choose an owner role");
        }

        foreach (var (field, text) in new[] { (nameof(Approved), Approved), (nameof(Adopted), Adopted), (nameof(LastReview), LastReview), (nameof(NextReview), NextReview) })
        {
            if (!string.IsNullOrWhiteSpace(text) && PolicyDates.Parse(text) is null)
            {
                Error(field, $"\"{text}\" is not a date SafeUse understands: use a date (1 September 2025 or 01/09/2025), a month (September 2025) or a term (Autumn Term 2025)");
            }
        }

        if (ReviewCycleMonths is < 1 or > 60)
        {
            Error(nameof(ReviewCycleMonths), "The review cycle must be between 1 and 60 months");
        }

        if (SignWithinDays is < 1 or > 365)
        {
            Error(nameof(SignWithinDays), "Staff must have between 1 and 365 days to sign");
        }

        if (!Policies.ReminderSchedule.TryParse(ReminderSchedule, out _, out var scheduleError))
        {
            Error(nameof(ReminderSchedule), scheduleError!);
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

        if (!string.IsNullOrWhiteSpace(Reconfirm) && PolicyDates.MonthDay(Reconfirm) is null)
        {
            Error(nameof(Reconfirm), $"\"{Reconfirm}\" is not a day of the year: write it like 1 September");
        }

        foreach (var (line, index) in (LinkedPolicies ?? "").Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(x => x.Item1.Length > 0))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar >= 0 && !(Uri.TryCreate(line[(bar + 1)..].Trim(), UriKind.Absolute, out var address) && address.Scheme is "http" or "https" or "mailto"))
            {
                Error(nameof(LinkedPolicies), $"Line {index}: \"{line[(bar + 1)..].Trim()}\" is not a web address: links must start https://, http:// or mailto: (write Title | https://...)");
            }
        }

        return state.IsValid;
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
        (p.ApprovedText, p.ApprovedOn) = Date(Approved);
        (p.AdoptedText, p.AdoptedOn) = Date(Adopted);
        (p.LastReviewText, p.LastReviewOn) = Date(LastReview);
        (p.NextReviewText, p.NextReviewOn) = Date(NextReview);
        p.ReviewCycleMonths = ReviewCycleMonths;
        p.ReviewOnLawChange = ReviewOnLawChange;
        p.Legislation = Blank(Legislation);
        p.Dissemination = Blank(Dissemination);
        p.SignWithinDays = SignWithinDays;
        p.ReminderSchedule = Blank(ReminderSchedule) ?? "";
        p.Audience.Clear();
        p.Audience.AddRange(AudienceRoles.Distinct().Select(r => new PolicyAudience { Kind = AudienceKind.Role, Value = r }));
        p.Audience.AddRange(AudienceTypes.Distinct().Select(t => new PolicyAudience { Kind = AudienceKind.EmploymentType, Value = t }));
        p.Audience.AddRange(Groups(AudienceGroups).Select(g => new PolicyAudience { Kind = AudienceKind.StaffGroup, Value = g }));
        (p.ReconfirmText, p.ReconfirmMonthDay) = string.IsNullOrWhiteSpace(Reconfirm) ? (null, null) : (Reconfirm.Trim(), PolicyDates.MonthDay(Reconfirm));
        p.Links.Clear();
        foreach (var line in (LinkedPolicies ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            p.Links.Add(bar < 0 ? new PolicyLink { Title = line } : new PolicyLink { Title = line[..bar].Trim(), Url = line[(bar + 1)..].Trim() });
        }

        // When no next review is given, it follows from the last review (or adoption) and the cycle.
        if (p.NextReviewOn is null && (p.LastReviewOn ?? p.AdoptedOn ?? p.ApprovedOn) is { } from && p.ReviewCycleMonths is { } months)
        {
            p.NextReviewOn = from.AddMonths(months);
        }
    }

    private static IEnumerable<string> Groups(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase);

    private static (string?, DateOnly?) Date(string? text) => string.IsNullOrWhiteSpace(text) ? (null, null) : (text.Trim(), PolicyDates.Parse(text));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
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

    public static DateOnly? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = string.Join(' ', text.Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        t = System.Text.RegularExpressions.Regex.Replace(t, @"(\d)(st|nd|rd|th)\b", "$1");
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
        if (words.Length is 2 or 3 && int.TryParse(words[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is > 1990 and < 2200
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
