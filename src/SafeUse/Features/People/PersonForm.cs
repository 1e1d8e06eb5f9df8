using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.People;

/// <summary>
/// One person's record as the add and edit pages show it, properties in the form's order.
/// </summary>
internal sealed class PersonForm
{
    /// <summary>The fields' error keys in the form's order, for the error summary.</summary>
    public static string[] Order(string prefix) =>
        [.. new[] { nameof(GivenName), nameof(FamilyName), nameof(Email), nameof(StaffCode), nameof(JobTitle), nameof(EmploymentType), nameof(StaffGroup), nameof(StartDate), nameof(NetworkUserName), nameof(NetworkAliases), nameof(SchoolIds) }
            .Select(f => $"{prefix}.{f}")];

    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public string? Email { get; set; }
    public string? StaffCode { get; set; }
    public string? JobTitle { get; set; }

    // Text rather than the enum, so a value the list does not offer is a field error, not a binding message.
    public string? EmploymentType { get; set; } = nameof(People.EmploymentType.Permanent);
    public string? StaffGroup { get; set; }
    public DateParts StartDate { get; set; } = new();

    /// <summary>The name web filter and proxy logs show for them, like jsmith or SCHOOL\jsmith.</summary>
    public string? NetworkUserName { get; set; }

    /// <summary>Other names logs use for them, separated by semicolons.</summary>
    public string? NetworkAliases { get; set; }

    public List<long> SchoolIds { get; set; } = [];

    public static PersonForm From(Person p) => new()
    {
        GivenName = p.GivenName,
        FamilyName = p.FamilyName,
        Email = p.Email,
        StaffCode = p.StaffCode,
        JobTitle = p.JobTitle,
        EmploymentType = p.EmploymentType.ToString(),
        StaffGroup = p.StaffGroup,
        StartDate = DateParts.From(p.StartDate),
        NetworkUserName = p.NetworkUserName,
        NetworkAliases = string.Join("; ", p.NetworkNames.Where(n => !n.IsPrimary).OrderBy(n => n.Id).Select(n => n.Name)),
        SchoolIds = p.Schools.Select(s => s.SchoolId).ToList(),
    };

    /// <summary>
    /// Checks every field, adding errors under "prefix.Field" in the form's order. <paramref name="existing"/> is the
    /// person being edited (tracked, with schools and roles), or null when adding one.
    /// </summary>
    public async Task<bool> ValidateAsync(AppDbContext db, ModelStateDictionary state, string prefix, long trustId, IReadOnlyCollection<School> allowedSchools,
        ImportAuthority authority, Person? existing, CancellationToken ct)
    {
        void Error(string field, string message) => state.AddModelError($"{prefix}.{field}", message);

        foreach (var (field, value, label, max) in new[] { (nameof(GivenName), GivenName, "first name", 100), (nameof(FamilyName), FamilyName, "last name", 100) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(field, $"Enter their {label}");
            }
            else if (value.Trim().Length > max)
            {
                Error(field, $"The {label} must be {max} characters or fewer");
            }
        }

        var email = Blank(Email);
        var code = Blank(StaffCode);
        var id = existing?.Id ?? 0;
        if (email is null && code is null)
        {
            Error(nameof(Email), "Enter a work email or a staff code: at least one is needed to recognise them on a staff import");
        }
        else if (email is not null && !Setup.EmailAddress.IsValid(email))
        {
            Error(nameof(Email), "Enter a work email address in the right form, like name@school.sch.uk");
        }
        else if (existing is not null && Person.Normalize(email) != existing.EmailNormalized && ImportAuthority.IsPrivileged(existing) && !authority.Schools.AllSchools)
        {
            // The same rule as the staff import: a work email is how someone signs in, so changing a privileged
            // person's address could hand their account to whoever holds the new one.
            Error(nameof(Email), $"Only a trust administrator can change the work email of someone with a role beyond Staff ({existing.FullName} is {RoleNames(existing)}): "
                + "the address is how they sign in, so a change could hand their account to someone else. Keep " + (existing.Email ?? "it empty") + " or ask a trust administrator");
        }
        else if (email is not null && await db.People.AnyAsync(p => p.TrustId == trustId && p.Id != id && p.EmailNormalized == Person.Normalize(email), ct))
        {
            Error(nameof(Email), $"Work email {email} is already someone else's in SafeUse: each person needs their own address");
        }

        if (code is not null && code.Length > 32)
        {
            Error(nameof(StaffCode), "The staff code must be 32 characters or fewer");
        }
        else if (code is not null && await db.People.AnyAsync(p => p.TrustId == trustId && p.Id != id && p.StaffCode != null && p.StaffCode.ToLower() == code.ToLower(), ct))
        {
            Error(nameof(StaffCode), $"Staff code {code} is already someone else's in SafeUse: each person needs their own code");
        }

        if (Blank(JobTitle) is { Length: > 200 })
        {
            Error(nameof(JobTitle), "The job title must be 200 characters or fewer");
        }

        if (!Enum.GetNames<EmploymentType>().Contains(EmploymentType))
        {
            Error(nameof(EmploymentType), "Choose an employment type");
        }

        if (Blank(StaffGroup) is { Length: > 100 })
        {
            Error(nameof(StaffGroup), "The staff group must be 100 characters or fewer");
        }

        if (StartDate.Problem("start date") is { } dateProblem)
        {
            Error(nameof(StartDate), dateProblem);
        }

        await ValidateNetworkNamesAsync(db, Error, trustId, id, ct);

        if (SchoolIds.Any(s => allowedSchools.All(a => a.Id != s)))
        {
            Error(nameof(SchoolIds), "Choose only schools you administer");
        }
        else if (SchoolIds.Count == 0 && !authority.Schools.AllSchools)
        {
            Error(nameof(SchoolIds), "Choose at least one school");
        }
        else if (existing is not null && existing.Roles.FirstOrDefault(r => r.Role != Role.Staff && r.SchoolId is { } s && !SchoolIds.Contains(s)) is { } held)
        {
            var school = allowedSchools.FirstOrDefault(a => a.Id == held.SchoolId)?.Name ?? "that school";
            Error(nameof(SchoolIds), $"{existing.FullName} is {held.Role.Label()} at {school}: remove the role on Schools and roles before taking them out of {school}");
        }

        return state.IsValid;
    }

    private async Task ValidateNetworkNamesAsync(AppDbContext db, Action<string, string> error, long trustId, long id, CancellationToken ct)
    {
        var seen = new HashSet<string>();
        var user = Blank(NetworkUserName);
        if (user is not null && NetworkNames.Problem(user) is { } userProblem)
        {
            error(nameof(NetworkUserName), userProblem);
        }
        else if (user is not null)
        {
            seen.Add(NetworkNames.Normalize(user)!);
        }

        var aliases = NetworkNames.SplitAliases(NetworkAliases);
        if (aliases.Count > 0 && user is null)
        {
            error(nameof(NetworkAliases), "Enter their network user name as well as the aliases");
            return;
        }

        foreach (var alias in aliases)
        {
            if (NetworkNames.Problem(alias) is { } aliasProblem)
            {
                error(nameof(NetworkAliases), aliasProblem);
                return;
            }

            if (!seen.Add(NetworkNames.Normalize(alias)!))
            {
                error(nameof(NetworkAliases), $"{alias} is given twice: each name once is enough (names are compared without case or a DOMAIN\\ prefix)");
                return;
            }
        }

        if (seen.Count == 0)
        {
            return;
        }

        var keys = seen.ToList();
        var staffClash = await db.PersonNetworkNames.AsNoTracking().Where(n => n.TrustId == trustId && n.PersonId != id && keys.Contains(n.NameNormalized))
            .Select(n => n.NameNormalized).FirstOrDefaultAsync(ct);
        var pupilClash = staffClash ?? await db.Pupils.AsNoTracking().Where(p => p.TrustId == trustId && !p.IsLeaver && p.NetworkUserNameNormalized != null && keys.Contains(p.NetworkUserNameNormalized))
            .Select(p => p.NetworkUserNameNormalized).FirstOrDefaultAsync(ct);
        if ((staffClash ?? pupilClash) is { } clash)
        {
            var field = user is not null && NetworkNames.Normalize(user) == clash ? nameof(NetworkUserName) : nameof(NetworkAliases);
            error(field, $"The network name {clash} is already {(staffClash is not null ? "someone else's" : "a pupil's")} in this trust: logs must point at one person");
        }
    }

    /// <summary>Replaces the person's network user name and aliases with the form's (the person must be tracked, or new).</summary>
    public void ApplyNetworkNamesTo(Person p, long trustId)
    {
        var wanted = new List<(string Name, bool Primary)>();
        if (Blank(NetworkUserName) is { } user)
        {
            wanted.Add((user, true));
            wanted.AddRange(NetworkNames.SplitAliases(NetworkAliases).Select(a => (a, false)));
        }

        NetworkNameSync.Replace(p, trustId, wanted);
    }

    /// <summary>Copies the fields onto the person; memberships and roles are the page's (they differ between add and edit).</summary>
    public void ApplyTo(Person p)
    {
        p.GivenName = GivenName!.Trim();
        p.FamilyName = FamilyName!.Trim();
        p.Email = Blank(Email);
        p.EmailNormalized = Person.Normalize(p.Email);
        p.StaffCode = Blank(StaffCode);
        p.JobTitle = Blank(JobTitle);
        p.EmploymentType = Enum.Parse<EmploymentType>(EmploymentType!);
        p.StaffGroup = Blank(StaffGroup);
        p.StartDate = StartDate.Value;
    }

    /// <summary>The record's fields as words, for the audit event's before and after, and to show what someone else saved.</summary>
    public static Dictionary<string, string?> Describe(Person p, IReadOnlyDictionary<long, string> schoolNames) => new()
    {
        ["First name"] = p.GivenName,
        ["Last name"] = p.FamilyName,
        ["Work email"] = p.Email,
        ["Staff code"] = p.StaffCode,
        ["Job title"] = p.JobTitle,
        ["Employment type"] = p.EmploymentType.ToString(),
        ["Staff group"] = p.StaffGroup,
        ["Start date"] = p.StartDate?.ToString("d MMM yyyy", CultureInfo.GetCultureInfo("en-GB")),
        ["Network user name"] = p.NetworkUserName,
        ["Network aliases"] = string.Join("; ", p.NetworkNames.Where(n => !n.IsPrimary).Select(n => n.Name).Order(StringComparer.Ordinal)),
        ["Schools"] = string.Join(", ", p.Schools.Select(s => schoolNames.GetValueOrDefault(s.SchoolId) ?? "?").Order(StringComparer.Ordinal)),
    };

    private static string RoleNames(Person p) =>
        string.Join(", ", p.Roles.Where(r => r.Role != Role.Staff).Select(r => r.Role.Label()).Distinct());

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>What the shared fields partial needs: the form, the schools the administrator may choose, and whether they act trust-wide.</summary>
internal sealed record PersonFieldsView(PersonForm Form, IReadOnlyList<School> Schools, bool TrustWide);
