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
    IReadOnlyList<Person> Missing,
    IReadOnlyList<EmailChange> EmailChanges,
    IReadOnlyList<KeptPerson> Kept)
{
    public bool IsValid => File.Problems.Count == 0;
}

/// <summary>A matched person whose work email the file changes: shown before the import and confirmed, since the email is how they sign in.</summary>
internal sealed record EmailChange(int Line, string Name, string? From, string To);

/// <summary>Someone missing from a full staff list whom the import leaves as they are, and why.</summary>
internal sealed record KeptPerson(Person Person, string Reason);

/// <summary>
/// Who is importing: the schools they administer (every school for a trust administrator or the command line) and,
/// on the web, who they are, so an import can never change someone the importer does not administer.
/// </summary>
internal sealed record ImportAuthority(SafeUse.Platform.Auth.SchoolScope Schools, long? ImporterId)
{
    public static readonly ImportAuthority Trust = new(new SafeUse.Platform.Auth.SchoolScope(true, new HashSet<long>()), null);

    /// <summary>
    /// A trust administrator may change anyone; a school administrator only someone who belongs to schools they all
    /// administer and holds no role elsewhere or across the trust (the central team is the trust's to change).
    /// </summary>
    public bool MayChange(Person p) =>
        Schools.AllSchools
        || (p.Schools.Count > 0 && p.Schools.All(s => Schools.SchoolIds.Contains(s.SchoolId))
            && p.Roles.All(r => r.SchoolId is { } id && Schools.SchoolIds.Contains(id)));

    /// <summary>Someone whose work email, which is how they sign in, only a trust administrator may change.</summary>
    public static bool IsPrivileged(Person p) => p.Roles.Any(r => r.Role != Role.Staff);
}

/// <summary>What an import did; <see cref="AskedToSign"/> counts the requests to sign it made for joiners.</summary>
internal sealed record StaffImportResult(int Created, int Updated, int Unchanged, int MarkedLeavers, int AskedToSign = 0);

internal static class PeopleRegistration
{
    public static IServiceCollection AddPeople(this IServiceCollection services) => services.AddScoped<StaffImporter>().AddScoped<PeopleDirectory>();
}

/// <summary>
/// Upserts a school's staff from a parsed file: people are matched by staff code, then by work email, so a re-import
/// changes only what changed. Roles in the file are added, never removed (removing a role is a deliberate act).
/// Everything happens in one transaction with one audit event; an invalid file writes nothing. Joiners (new people,
/// and changed people who now fall in a policy's audience) are asked to sign in the same transaction.
/// </summary>
internal sealed class StaffImporter(AppDbContext db, AuditTrail audit, TimeProvider time, SignOff.SignOffService signOff)
{
    public Task<StaffImportPlan> PlanAsync(School school, StaffFile file, CancellationToken ct) =>
        PlanAsync(school, file, ImportAuthority.Trust, ct);

    public async Task<StaffImportPlan> PlanAsync(School school, StaffFile file, ImportAuthority authority, CancellationToken ct) =>
        Plan(school, file, authority, await LoadTrustPeopleAsync(school.TrustId, ct));

    private static StaffImportPlan Plan(School school, StaffFile file, ImportAuthority authority, TrustPeople people)
    {
        var pupilNames = people.PupilNetworkNames;
        var problems = file.Problems.ToList();
        var creates = new List<StaffRow>();
        var updates = new List<StaffRow>();
        var emailChanges = new List<EmailChange>();
        var unchanged = 0;
        var matched = new HashSet<long>();
        var inFile = file.Rows.SelectMany(r => new[] { r.StaffCode, r.Email }).Where(k => k is not null).Select(k => k!.ToLowerInvariant()).ToHashSet();
        string Heading(StaffField field) => file.Headings[file.Mapping.First(m => m.Value == field).Key];

        foreach (var row in file.Rows)
        {
            var byCode = row.StaffCode is not null ? people.ByCode.GetValueOrDefault(row.StaffCode) : null;
            var byEmail = row.Email is not null ? people.ByEmail.GetValueOrDefault(row.Email) : null;
            if (byCode is not null && byEmail is not null && byCode.Id != byEmail.Id)
            {
                // The unique email would otherwise fail at the database: two people are named by one row.
                problems.Add(new(row.Line, Heading(StaffField.Email),
                    $"Staff code {row.StaffCode} is one person in SafeUse and {row.Email} is another: correct the code or the email"));
                continue;
            }

            var existing = byCode ?? byEmail;
            foreach (var (name, field) in NamesOf(row))
            {
                var key = NetworkNames.Normalize(name)!;
                if (people.ByNetworkName.TryGetValue(key, out var owner) && owner.Id != existing?.Id)
                {
                    problems.Add(new(row.Line, Heading(field), $"The network name {name} is already {owner.FullName}'s in SafeUse: logs must point at one person"));
                }
                else if (pupilNames.Contains(key))
                {
                    problems.Add(new(row.Line, Heading(field), $"The network name {name} is a pupil's network user name in this trust: logs must point at one person"));
                }
            }

            if (existing is null)
            {
                creates.Add(row);
            }
            else
            {
                matched.Add(existing.Id);
                if (!Differs(existing, row, school.Id))
                {
                    unchanged++;
                }
                else if (!authority.MayChange(existing))
                {
                    // The person is not named: the importer may not know who holds the code or address.
                    problems.Add(new(row.Line, row.StaffCode is not null && byCode is not null ? Heading(StaffField.StaffCode) : Heading(StaffField.Email),
                        $"{(byCode is not null ? "Staff code " + row.StaffCode : row.Email)} belongs to someone in a school you do not administer or in the trust's central team: only a trust administrator can change them"));
                }
                else if (EmailChanged(existing, row) && ImportAuthority.IsPrivileged(existing))
                {
                    problems.Add(new(row.Line, Heading(StaffField.Email),
                        $"{existing.FullName} holds the role {string.Join(", ", existing.Roles.Where(r => r.Role != Role.Staff).Select(r => r.Role.Label()).Distinct())}: an import never changes the work email of someone with a role beyond Staff. Keep {existing.Email} in the file and change the address on their page"));
                }
                else
                {
                    if (EmailChanged(existing, row))
                    {
                        emailChanges.Add(new(row.Line, existing.FullName, existing.Email, row.Email!));
                    }

                    updates.Add(row);
                }
            }

            if (row.LineManager is { } manager && !inFile.Contains(manager.ToLowerInvariant())
                && !people.ByCode.ContainsKey(manager) && !people.ByEmail.ContainsKey(manager))
            {
                problems.Add(new(row.Line, file.Headings[file.Mapping.First(m => m.Value == StaffField.LineManager).Key],
                    $"No one with staff code or email \"{manager}\" is in this file or already in SafeUse"));
            }
        }

        var missing = new List<Person>();
        var kept = new List<KeptPerson>();
        var activeAdministrators = people.All.Where(p => !p.IsLeaver && p.Roles.Any(r => r.Role == Role.Administrator)).Select(p => p.Id).ToHashSet();
        foreach (var p in people.All.Where(p => !p.IsLeaver && p.Schools.Any(s => s.SchoolId == school.Id) && !matched.Contains(p.Id)
                     && (p.StaffCode is not null || p.Email is not null))
                     .OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName))
        {
            // A school's full list speaks for that school only: someone who also works elsewhere, holds a trust-wide
            // role, is importing, or is the trust's last administrator stays as they are.
            var reason = p.Id == authority.ImporterId ? "you are importing this file"
                : p.Schools.Any(s => s.SchoolId != school.Id) ? "they also belong to another school"
                : p.Roles.Any(r => r.SchoolId is null) ? "they hold a trust-wide role"
                : activeAdministrators.Count == 1 && activeAdministrators.Contains(p.Id) ? "they are the trust's only administrator"
                : null;
            if (reason is null)
            {
                missing.Add(p);
            }
            else
            {
                kept.Add(new KeptPerson(p, reason));
            }
        }

        var checkedFile = file with { Problems = problems.OrderBy(p => p.Line).ToList() };
        return new StaffImportPlan(checkedFile, creates, updates, unchanged, missing, emailChanges, kept);
    }

    private static IEnumerable<(string Name, StaffField Field)> NamesOf(StaffRow row) =>
        row.NetworkUserName is null ? []
            : (row.NetworkAliases ?? []).Select(a => (a, StaffField.NetworkAliases)).Prepend((row.NetworkUserName, StaffField.NetworkUserName));

    private static bool NetworkNamesDiffer(Person p, StaffRow r) =>
        r.NetworkUserName is not null
        && (p.NetworkUserName is not { } current || NetworkNames.Normalize(current) != NetworkNames.Normalize(r.NetworkUserName) || current != r.NetworkUserName.Trim()
            || !p.NetworkNames.Where(n => !n.IsPrimary).Select(n => n.NameNormalized).Order(StringComparer.Ordinal)
                .SequenceEqual((r.NetworkAliases ?? []).Select(a => NetworkNames.Normalize(a)!).Order(StringComparer.Ordinal)));

    private static bool EmailChanged(Person p, StaffRow r) =>
        r.Email is not null && !string.Equals(p.Email, r.Email, StringComparison.OrdinalIgnoreCase);

    public Task<StaffImportResult> ApplyAsync(School school, StaffFile file, bool markMissingAsLeavers, Actor actor, StaffImport? upload, CancellationToken ct) =>
        ApplyAsync(school, file, markMissingAsLeavers, acceptEmailChanges: true, ImportAuthority.Trust, actor, upload, ct);

    public async Task<StaffImportResult> ApplyAsync(School school, StaffFile file, bool markMissingAsLeavers, bool acceptEmailChanges, ImportAuthority authority, Actor actor, StaffImport? upload, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var people = await LoadTrustPeopleAsync(school.TrustId, ct, tracked: true);
        var plan = Plan(school, file, authority, people);
        if (!plan.IsValid)
        {
            throw new InvalidOperationException("The file has problems; nothing was imported.");
        }

        if (plan.EmailChanges.Count > 0 && !acceptEmailChanges)
        {
            throw new InvalidOperationException("The file changes work emails that were not confirmed; nothing was imported.");
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
            if (row.NetworkUserName is not null)
            {
                NetworkNameSync.Replace(person, school.TrustId, NamesOf(row).Select(n => (n.Name, n.Field == StaffField.NetworkUserName)).ToList());
            }

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

        var departed = touched.Where(t => t.Person.IsLeaver && t.Person.Id != 0).Select(t => t.Person.Id).Concat(markMissingAsLeavers ? plan.Missing.Select(p => p.Id) : []).ToList();
        await SafeUse.Platform.Auth.SignInService.EndSessionsAsync(db, departed, ct);

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
                EmailChanged = plan.EmailChanges.Select(c => c.Line).ToList(),
                Leavers = markMissingAsLeavers ? plan.Missing.Select(p => p.StaffCode ?? p.Email).ToList() : [],
            },
            schoolId: school.Id);
        await db.SaveChangesAsync(ct);

        // Audiences are worked out from what is saved, so this comes after the people are written; the requests and
        // their emails commit with the import, not at the sign-off clock's next run.
        var asked = await signOff.AskJoinersAsync(touched.Where(t => !t.Person.IsLeaver).Select(t => t.Person.Id).Distinct().ToList(), actor, ct);
        await tx.CommitAsync(ct);
        return new StaffImportResult(created, updated, plan.Unchanged, leavers, asked);
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
        || NetworkNamesDiffer(p, r)
        || r.Roles.Append(Role.Staff).Any(role => !p.Roles.Any(x => x.Role == role && x.SchoolId == schoolId));

    private async Task<TrustPeople> LoadTrustPeopleAsync(long trustId, CancellationToken ct, bool tracked = false)
    {
        var query = db.People.Include(p => p.Schools).Include(p => p.Roles).Include(p => p.NetworkNames).AsSplitQuery().Where(p => p.TrustId == trustId);
        var list = tracked ? await query.ToListAsync(ct) : await query.AsNoTracking().ToListAsync(ct);
        var pupilNames = await db.Pupils.AsNoTracking().Where(p => p.TrustId == trustId && !p.IsLeaver && p.NetworkUserNameNormalized != null)
            .Select(p => p.NetworkUserNameNormalized!).ToListAsync(ct);
        var people = new TrustPeople(list) { PupilNetworkNames = pupilNames.ToHashSet(StringComparer.Ordinal) };
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
        public Dictionary<string, Person> ByNetworkName { get; } = new(StringComparer.Ordinal);

        /// <summary>Current pupils' network names (normalised): a member of staff may not take one.</summary>
        public HashSet<string> PupilNetworkNames { get; init; } = [];

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

            foreach (var n in p.NetworkNames)
            {
                ByNetworkName[n.NameNormalized] = p;
            }
        }
    }
}
