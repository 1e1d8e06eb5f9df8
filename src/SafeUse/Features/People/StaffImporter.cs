using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

internal sealed record StaffImportPlan(
    StaffFile File,
    IReadOnlyList<StaffRow> Creates,
    IReadOnlyList<StaffRow> Updates,
    int Unchanged,
    IReadOnlyList<Person> Missing)
{
    public bool IsValid => File.Problems.Count == 0;
}

internal sealed record StaffImportResult(int Created, int Updated, int Unchanged, int MarkedLeavers);

internal static class PeopleRegistration
{
    public static IServiceCollection AddPeople(this IServiceCollection services) => services.AddScoped<StaffImporter>();
}

/// <summary>
/// Upserts a school's staff from a parsed file: people are matched by staff code, then by work email, so a re-import
/// changes only what changed. Roles in the file are added, never removed (removing a role is a deliberate act).
/// Everything happens in one transaction with one audit event; an invalid file writes nothing.
/// </summary>
internal sealed class StaffImporter(AppDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<StaffImportPlan> PlanAsync(School school, StaffFile file, CancellationToken ct) =>
        Plan(school, file, await LoadTrustPeopleAsync(school.TrustId, ct));

    private static StaffImportPlan Plan(School school, StaffFile file, TrustPeople people)
    {
        var problems = file.Problems.ToList();
        var creates = new List<StaffRow>();
        var updates = new List<StaffRow>();
        var unchanged = 0;
        var matched = new HashSet<long>();
        var inFile = file.Rows.SelectMany(r => new[] { r.StaffCode, r.Email }).Where(k => k is not null).Select(k => k!.ToLowerInvariant()).ToHashSet();

        foreach (var row in file.Rows)
        {
            var existing = Match(people, row);
            if (existing is null)
            {
                creates.Add(row);
            }
            else
            {
                matched.Add(existing.Id);
                if (Differs(existing, row, school.Id))
                {
                    updates.Add(row);
                }
                else
                {
                    unchanged++;
                }
            }

            if (row.LineManager is { } manager && !inFile.Contains(manager.ToLowerInvariant())
                && !people.ByCode.ContainsKey(manager) && !people.ByEmail.ContainsKey(manager))
            {
                problems.Add(new(row.Line, file.Headings[file.Mapping.First(m => m.Value == StaffField.LineManager).Key],
                    $"No one with staff code or email \"{manager}\" is in this file or already in SafeUse"));
            }
        }

        var missing = people.All.Where(p => !p.IsLeaver && p.Schools.Any(s => s.SchoolId == school.Id) && !matched.Contains(p.Id)
                && (p.StaffCode is not null || p.Email is not null))
            .OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).ToList();
        var checkedFile = file with { Problems = problems.OrderBy(p => p.Line).ToList() };
        return new StaffImportPlan(checkedFile, creates, updates, unchanged, missing);
    }

    public async Task<StaffImportResult> ApplyAsync(School school, StaffFile file, bool markMissingAsLeavers, Actor actor, StaffImport? upload, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var people = await LoadTrustPeopleAsync(school.TrustId, ct, tracked: true);
        var plan = Plan(school, file, people);
        if (!plan.IsValid)
        {
            throw new InvalidOperationException("The file has problems; nothing was imported.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var created = 0;
        var updated = 0;
        var touched = new List<(StaffRow Row, Person Person)>();
        foreach (var row in file.Rows)
        {
            var person = Match(people, row);
            if (person is null)
            {
                person = new Person { TrustId = school.TrustId, GivenName = row.GivenName, FamilyName = row.FamilyName, CreatedAt = now, UpdatedAt = now };
                db.People.Add(person);
                people.Add(person, row);
                created++;
            }
            else if (Differs(person, row, school.Id))
            {
                person.Version++;
                person.UpdatedAt = now;
                updated++;
            }
            else
            {
                touched.Add((row, person));
                continue;
            }

            person.GivenName = row.GivenName;
            person.FamilyName = row.FamilyName;
            person.Email = row.Email ?? person.Email;
            person.EmailNormalized = Person.Normalize(person.Email);
            person.StaffCode = row.StaffCode ?? person.StaffCode;
            person.EmploymentType = row.EmploymentType;
            person.JobTitle = row.JobTitle ?? person.JobTitle;
            person.StaffGroup = row.StaffGroup ?? person.StaffGroup;
            person.StartDate = row.StartDate ?? person.StartDate;
            person.LeaveDate = row.LeaveDate;
            person.IsLeaver = row.LeaveDate is { } leave && leave <= DateOnly.FromDateTime(now);
            if (person.Schools.All(s => s.SchoolId != school.Id))
            {
                person.Schools.Add(new PersonSchool { SchoolId = school.Id });
            }

            foreach (var role in row.Roles.Append(Role.Staff).Distinct())
            {
                if (!person.Roles.Any(r => r.Role == role && r.SchoolId == school.Id))
                {
                    person.Roles.Add(new RoleAssignment { Role = role, SchoolId = school.Id });
                }
            }

            touched.Add((row, person));
        }

        await db.SaveChangesAsync(ct);

        foreach (var (row, person) in touched)
        {
            if (row.LineManager is { } manager)
            {
                var managerPerson = people.ByCode.GetValueOrDefault(manager) ?? people.ByEmail.GetValueOrDefault(manager);
                if (managerPerson is not null && managerPerson.Id != person.LineManagerId && managerPerson.Id != person.Id)
                {
                    person.LineManagerId = managerPerson.Id;
                }
            }
        }

        var leavers = 0;
        if (markMissingAsLeavers)
        {
            foreach (var gone in plan.Missing)
            {
                var p = people.All.First(x => x.Id == gone.Id);
                p.IsLeaver = true;
                p.LeaveDate ??= DateOnly.FromDateTime(now);
                p.UpdatedAt = now;
                p.Version++;
                leavers++;
            }
        }

        if (upload is not null)
        {
            upload.AppliedAt = now;
        }

        audit.Record(db, actor, "staff.imported", "school", school.Id,
            $"Imported {file.Rows.Count} staff into {school.Name}: {created} new, {updated} updated, {plan.Unchanged} unchanged, {leavers} marked as leavers",
            after: new
            {
                upload?.FileName,
                Created = plan.Creates.Select(r => r.StaffCode ?? r.Email).ToList(),
                Updated = plan.Updates.Select(r => r.StaffCode ?? r.Email).ToList(),
                Leavers = markMissingAsLeavers ? plan.Missing.Select(p => p.StaffCode ?? p.Email).ToList() : [],
            },
            schoolId: school.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new StaffImportResult(created, updated, plan.Unchanged, leavers);
    }

    private static Person? Match(TrustPeople people, StaffRow row) =>
        (row.StaffCode is not null ? people.ByCode.GetValueOrDefault(row.StaffCode) : null)
        ?? (row.Email is not null ? people.ByEmail.GetValueOrDefault(row.Email) : null);

    private static bool Differs(Person p, StaffRow r, long schoolId) =>
        p.GivenName != r.GivenName || p.FamilyName != r.FamilyName
        || (r.Email is not null && !string.Equals(p.Email, r.Email, StringComparison.OrdinalIgnoreCase))
        || (r.StaffCode is not null && p.StaffCode != r.StaffCode)
        || p.EmploymentType != r.EmploymentType
        || (r.JobTitle is not null && p.JobTitle != r.JobTitle)
        || (r.StaffGroup is not null && p.StaffGroup != r.StaffGroup)
        || (r.StartDate is not null && p.StartDate != r.StartDate)
        || p.LeaveDate != r.LeaveDate
        || p.Schools.All(s => s.SchoolId != schoolId)
        || r.Roles.Append(Role.Staff).Any(role => !p.Roles.Any(x => x.Role == role && x.SchoolId == schoolId));

    private async Task<TrustPeople> LoadTrustPeopleAsync(long trustId, CancellationToken ct, bool tracked = false)
    {
        var query = db.People.Include(p => p.Schools).Include(p => p.Roles).AsSplitQuery().Where(p => p.TrustId == trustId);
        var list = tracked ? await query.ToListAsync(ct) : await query.AsNoTracking().ToListAsync(ct);
        var people = new TrustPeople(list);
        return people;
    }

    private sealed class TrustPeople
    {
        public TrustPeople(List<Person> all)
        {
            All = all;
            foreach (var p in all)
            {
                Index(p);
            }
        }

        public List<Person> All { get; }
        public Dictionary<string, Person> ByCode { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, Person> ByEmail { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Add(Person p, StaffRow row)
        {
            All.Add(p);
            if (row.StaffCode is not null)
            {
                ByCode[row.StaffCode] = p;
            }

            if (row.Email is not null)
            {
                ByEmail[row.Email] = p;
            }
        }

        private void Index(Person p)
        {
            if (p.StaffCode is not null)
            {
                ByCode[p.StaffCode] = p;
            }

            if (p.Email is not null)
            {
                ByEmail[p.Email] = p;
            }
        }
    }
}
