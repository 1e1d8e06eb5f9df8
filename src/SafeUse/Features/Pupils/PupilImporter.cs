using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Pupils;

internal sealed record PupilImportPlan(PupilFile File, IReadOnlyList<PupilRow> Creates, IReadOnlyList<PupilRow> Updates, int Unchanged, IReadOnlyList<Pupil> Missing)
{
    public bool IsValid => File.Problems.Count == 0;
}

internal sealed record PupilImportResult(int Created, int Updated, int Unchanged, int MarkedLeavers);

/// <summary>Who may read pupils, and who may import them.</summary>
internal static class PupilAccess
{
    public const string Readers = "PupilReaders";

    /// <summary>Pupil records are sensitive: the school's safeguarding and online safety leads, its Head and administrators.</summary>
    public static readonly Role[] ReaderRoles = [Role.Administrator, Role.Dsl, Role.DeputyDsl, Role.Head, Role.OnlineSafetyLead];

    public static Task<SchoolScope> ReadScopeAsync(CurrentUser current, CancellationToken ct) => current.ScopeAsync(ReaderRoles, ct);

    public static Task<SchoolScope> ImportScopeAsync(CurrentUser current, CancellationToken ct) => current.ScopeAsync([Role.Administrator], ct);

    public static IServiceCollection AddPupils(this IServiceCollection services) => services.AddScoped<PupilImporter>();
}

/// <summary>
/// Upserts a school's pupils from a parsed file, matched by UPN within the school. A pupil missing from a full list
/// becomes a leaver only when the importer says the file is the full list (as the staff import does); leavers are
/// kept, never deleted. Everything happens in one transaction with one audit event that holds counts only: pupil
/// names, UPNs and dates of birth never go into the audit trail or the logs.
/// </summary>
internal sealed class PupilImporter(AppDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<PupilImportPlan> PlanAsync(School school, PupilFile file, CancellationToken ct) =>
        Plan(file, await LoadAsync(school, tracked: false, ct));

    private static PupilImportPlan Plan(PupilFile file, SchoolPupils existing)
    {
        var problems = file.Problems.ToList();
        var creates = new List<PupilRow>();
        var updates = new List<PupilRow>();
        var unchanged = 0;
        var heading = PupilCsv.NetworkUserNameHeading(file);
        foreach (var row in file.Rows)
        {
            var pupil = existing.ByUpn.GetValueOrDefault(row.Upn);
            if (row.NetworkUserName is { } user)
            {
                var key = NetworkNames.Normalize(user)!;
                if (existing.StaffNames.Contains(key))
                {
                    problems.Add(new(row.Line, heading, $"The network user name {user} is a member of staff's in this trust: logs must point at one person"));
                }
                else if (existing.OtherPupilNames.TryGetValue(key, out var ownerUpn) && ownerUpn != row.Upn)
                {
                    problems.Add(new(row.Line, heading, $"The network user name {user} is another pupil's in this trust: logs must point at one person"));
                }
            }

            if (pupil is null)
            {
                creates.Add(row);
            }
            else if (Differs(pupil, row))
            {
                updates.Add(row);
            }
            else
            {
                unchanged++;
            }
        }

        var inFile = file.Rows.Select(r => r.Upn).ToHashSet(StringComparer.Ordinal);
        var missing = existing.All.Where(p => !p.IsLeaver && !inFile.Contains(p.Upn)).OrderBy(p => p.LegalFamilyName).ThenBy(p => p.LegalGivenName).ToList();
        return new(file with { Problems = problems.OrderBy(p => p.Line).ToList() }, creates, updates, unchanged, missing);
    }

    public async Task<PupilImportResult> ApplyAsync(School school, PupilFile file, bool markMissingAsLeavers, Actor actor, PupilImport? upload, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await LoadAsync(school, tracked: true, ct);
        var plan = Plan(file, existing);
        if (!plan.IsValid)
        {
            throw new InvalidOperationException("The file has problems; nothing was imported.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var created = 0;
        var updated = 0;
        foreach (var row in file.Rows)
        {
            var pupil = existing.ByUpn.GetValueOrDefault(row.Upn);
            if (pupil is null)
            {
                pupil = new Pupil { TrustId = school.TrustId, SchoolId = school.Id, Upn = row.Upn, LegalGivenName = "", LegalFamilyName = "", CreatedAt = now };
                db.Pupils.Add(pupil);
                created++;
            }
            else if (Differs(pupil, row))
            {
                pupil.Version++;
                updated++;
            }
            else
            {
                continue;
            }

            pupil.LegalGivenName = row.LegalGivenName;
            pupil.LegalFamilyName = row.LegalFamilyName;
            pupil.PreferredGivenName = row.PreferredGivenName;
            pupil.PreferredFamilyName = row.PreferredFamilyName;
            pupil.YearGroup = row.YearGroup;
            pupil.DateOfBirth = row.DateOfBirth;
            pupil.NetworkUserName = row.NetworkUserName;
            pupil.NetworkUserNameNormalized = NetworkNames.Normalize(row.NetworkUserName);
            pupil.IsLeaver = false;
            pupil.LeftAt = null;
            pupil.UpdatedAt = now;
            pupil.Contacts.Clear();
            pupil.Contacts.AddRange(row.Contacts.Select(c => new PupilContact { Position = c.Position, Name = c.Name, Email = c.Email, Relationship = c.Relationship, ParentalResponsibility = c.ParentalResponsibility }));
        }

        var leavers = 0;
        if (markMissingAsLeavers)
        {
            foreach (var gone in plan.Missing)
            {
                gone.IsLeaver = true;
                gone.LeftAt = now;
                gone.UpdatedAt = now;
                gone.Version++;
                leavers++;
            }
        }

        if (upload is not null)
        {
            db.Attach(upload);
            upload.AppliedAt = now;
        }

        audit.Record(db, actor, "pupils.imported", "school", school.Id,
            $"Imported {file.Rows.Count} pupils into {school.Name}: {created} new, {updated} updated, {plan.Unchanged} unchanged, {leavers} marked as leavers",
            after: new { Rows = file.Rows.Count, Created = created, Updated = updated, plan.Unchanged, Leavers = leavers },
            schoolId: school.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(created, updated, plan.Unchanged, leavers);
    }

    private static bool Differs(Pupil p, PupilRow r) =>
        p.IsLeaver
        || p.LegalGivenName != r.LegalGivenName || p.LegalFamilyName != r.LegalFamilyName
        || p.PreferredGivenName != r.PreferredGivenName || p.PreferredFamilyName != r.PreferredFamilyName
        || p.YearGroup != r.YearGroup || p.DateOfBirth != r.DateOfBirth || p.NetworkUserName != r.NetworkUserName
        || !p.Contacts.OrderBy(c => c.Position).Select(c => (c.Position, c.Name, c.Email, c.Relationship, c.ParentalResponsibility))
            .SequenceEqual(r.Contacts.Select(c => (c.Position, c.Name, c.Email, c.Relationship, c.ParentalResponsibility)));

    private async Task<SchoolPupils> LoadAsync(School school, bool tracked, CancellationToken ct)
    {
        var query = db.Pupils.Include(p => p.Contacts).Where(p => p.SchoolId == school.Id);
        var all = tracked ? await query.ToListAsync(ct) : await query.AsNoTracking().ToListAsync(ct);
        var staff = await db.PersonNetworkNames.AsNoTracking().Where(n => n.TrustId == school.TrustId).Select(n => n.NameNormalized).ToListAsync(ct);

        // Current pupils anywhere in the trust hold their names (a leaver's name may be given to someone new); a
        // pupil of this school keeps theirs under the same UPN, so a re-import is no clash with itself.
        var others = await db.Pupils.AsNoTracking().Where(p => p.TrustId == school.TrustId && !p.IsLeaver && p.NetworkUserNameNormalized != null)
            .Select(p => new { p.NetworkUserNameNormalized, p.Upn, p.SchoolId }).ToListAsync(ct);
        var otherNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in others)
        {
            otherNames.TryAdd(o.NetworkUserNameNormalized!, o.SchoolId == school.Id ? o.Upn : "");
        }

        return new(all, all.ToDictionary(p => p.Upn, StringComparer.Ordinal), staff.ToHashSet(StringComparer.Ordinal), otherNames);
    }

    private sealed record SchoolPupils(List<Pupil> All, Dictionary<string, Pupil> ByUpn, HashSet<string> StaffNames, Dictionary<string, string> OtherPupilNames);
}
