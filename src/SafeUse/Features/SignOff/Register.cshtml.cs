using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record RegisterRow(long PersonId, string GivenName, string FamilyName, string? StaffCode, string School, string? JobTitle, string? Email, EmploymentType EmploymentType, string? ManagerName, RequestStatus Status, DateOnly DueOn, DateTime? SignedAt, SignMethod? Method, string Shown);

internal sealed record ManagerOption(long Id, string Name);

/// <summary>One school's sign-off counts (a person in two schools counts in each); a null school is the trust's central team.</summary>
internal sealed record SchoolTotals(string School, int Signed, int Outstanding, int Overdue, int Query);

/// <summary>
/// Who has signed a version, who is outstanding, overdue or has a query, filtered by school, role, employment type and
/// line manager; readers see their own schools, a line manager only their own team, and a governor totals per school
/// (names only when the trust allows). The same scope on the page, in the printable view and in the CSV.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class RegisterModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    /// <summary>Rows shown on the page; the CSV and the printable view have them all.</summary>
    private const int PageRows = 200;

    [BindProperty(SupportsGet = true)] public long? VersionId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public long? School { get; set; }
    [BindProperty(SupportsGet = true)] public EmploymentType? Type { get; set; }
    [BindProperty(SupportsGet = true)] public Role? Role { get; set; }
    [BindProperty(SupportsGet = true)] public long? Manager { get; set; }
    [BindProperty(SupportsGet = true)] public string? Format { get; set; }

    public Policy Policy { get; private set; } = null!;
    public PolicyVersion Version { get; private set; } = null!;
    public RegisterScope Scope { get; private set; } = null!;
    public List<School> Schools { get; private set; } = [];
    public List<ManagerOption> Managers { get; private set; } = [];
    public List<RegisterRow> Rows { get; private set; } = [];
    public List<SchoolTotals> BySchool { get; private set; } = [];
    public Dictionary<string, int> Totals { get; private set; } = [];
    public int Count { get; private set; }
    public bool Print => Format == "print";
    public string PrintedBy { get; private set; } = "";
    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The filters in force, in words, for the printed copy.</summary>
    public string FilterSummary
    {
        get
        {
            string?[] parts =
            [
                string.IsNullOrWhiteSpace(Q) ? null : $"name or staff code \u201c{Q.Trim()}\u201d",
                string.IsNullOrEmpty(Status) ? null : $"status {Status}",
                Schools.FirstOrDefault(x => x.Id == School)?.Name,
                Type is { } t ? $"employment type {t}" : null,
                Role is { } r ? $"role {r.Label()}" : null,
                Managers.FirstOrDefault(x => x.Id == Manager) is { } m ? $"line manager {m.Name}" : null,
            ];
            var used = parts.OfType<string>().ToList();
            return used.Count == 0 ? "Everyone you may see" : "Filtered by " + string.Join(", ", used);
        }
    }

    public string CsvLink => Link("csv");

    public string PrintLink => Link("print");

    public string PageLink => Link(null);

    private string Link(string? format) => QueryString.Create(new Dictionary<string, string?>
    {
        ["versionId"] = VersionId?.ToString(CultureInfo.InvariantCulture), ["q"] = Q, ["status"] = Status, ["school"] = School?.ToString(CultureInfo.InvariantCulture),
        ["type"] = Type?.ToString(), ["role"] = Role?.ToString(), ["manager"] = Manager?.ToString(CultureInfo.InvariantCulture), ["format"] = format,
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent() is var qs ? $"/policies/{Policy.Id}/register{qs}" : "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var scope = policy is null ? null : await RegisterScope.OnAsync(db, current, policy, ct);
        if (policy is null || scope is null)
        {
            return NotFound();
        }

        var version = await db.PolicyVersions.AsNoTracking()
            .Where(v => v.PolicyId == id && v.Status != VersionStatus.Draft && (VersionId == null ? v.Status == VersionStatus.Published : v.Id == VersionId))
            .FirstOrDefaultAsync(ct);
        if (version is null)
        {
            return NotFound();
        }

        Policy = policy;
        Version = version;
        Scope = scope;
        PrintedBy = (await current.PersonAsync(ct)).FullName;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var requests = db.SignOffRequests.AsNoTracking().Where(r => r.PolicyVersionId == version.Id);
        await CountBySchoolAsync(requests, today, ct);
        if (scope.TotalsOnly)
        {
            // Counts only: no filter may narrow them towards a person (a name, a manager, a role of one).
            var counted = from r in requests join p in scope.Counted(db.People.AsNoTracking()) on r.PersonId equals p.Id select r;
            await TotalAsync(counted, today, ct);
            return Format == "csv" ? TotalsCsv() : Page();
        }

        Schools = await db.Schools.AsNoTracking().Where(s => scope.Named.AllSchools || scope.Named.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var schoolIds = Schools.Select(s => s.Id).ToList();
        var people = scope.ByName(db.People.AsNoTracking());
        if (School is { } school && (scope.Named.AllSchools || schoolIds.Contains(school)))
        {
            people = people.Where(p => p.Schools.Any(s => s.SchoolId == school));
        }

        if (Type is { } type)
        {
            people = people.Where(p => p.EmploymentType == type);
        }

        if (Role is { } role)
        {
            people = people.Where(p => p.Roles.Any(r => r.Role == role));
        }

        if (Manager is { } manager)
        {
            people = people.Where(p => p.LineManagerId == manager);
        }

        if (!string.IsNullOrWhiteSpace(Q))
        {
            var like = DatabaseProvider.LikePattern(Q);
            people = people.Where(p => EF.Functions.Like((p.GivenName + " " + p.FamilyName).ToLower(), like, "\\") || EF.Functions.Like((p.StaffCode ?? "").ToLower(), like, "\\"));
        }

        var joined = from r in requests
                     join p in people on r.PersonId equals p.Id
                     select new { r, p };
        await TotalAsync(joined.Select(x => x.r), today, ct);

        joined = Status switch
        {
            "Overdue" => joined.Where(x => x.r.Status == RequestStatus.Outstanding && x.r.DueOn < today),
            "Outstanding" => joined.Where(x => x.r.Status == RequestStatus.Outstanding && x.r.DueOn >= today),
            "Signed" => joined.Where(x => x.r.Status == RequestStatus.Signed),
            "Query" => joined.Where(x => x.r.Status == RequestStatus.Query),
            "Stopped" => joined.Where(x => x.r.Status == RequestStatus.Stopped),
            _ => joined.Where(x => x.r.Status != RequestStatus.Superseded),
        };
        Count = await joined.CountAsync(ct);

        var rows = from x in joined
                   join m in db.People.AsNoTracking() on x.p.LineManagerId equals m.Id into ms
                   from m in ms.DefaultIfEmpty()
                   orderby x.p.FamilyName, x.p.GivenName
                   select new
                   {
                       x.p.Id, x.p.GivenName, x.p.FamilyName, x.p.StaffCode, x.p.JobTitle, x.p.Email, x.p.EmploymentType,
                       Manager = m == null ? null : m.GivenName + " " + m.FamilyName,
                       x.r.Status, x.r.DueOn,
                       // The signature this version's status rests on: theirs on this version or an earlier one (an editorial version carries it over), never a later one.
                       Signature = db.Signatures.Where(s => s.PolicyId == policy.Id && s.PersonId == x.p.Id && db.PolicyVersions.Any(v => v.Id == s.PolicyVersionId && v.PublishedAt <= version.PublishedAt)).OrderByDescending(s => s.SignedAt).Select(s => new { s.SignedAt, s.Method }).FirstOrDefault(),
                   };
        var list = await (Format is "csv" or "print" ? rows : rows.Take(PageRows)).ToListAsync(ct);

        // Each person's schools, as far as the reader may see them (a line manager sees all of their team's).
        var memberships = await (from x in joined
                                 join ms in db.PersonSchools.AsNoTracking() on x.p.Id equals ms.PersonId
                                 join s in db.Schools.AsNoTracking() on ms.SchoolId equals s.Id
                                 select new { ms.PersonId, s.Id, s.Name }).ToListAsync(ct);
        var schoolsOf = memberships.Where(m => scope.Team || scope.Named.Includes(m.Id))
            .GroupBy(m => m.PersonId).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(m => m.Name).Distinct().Order(StringComparer.Ordinal)));
        Rows = list.Select(x => new RegisterRow(x.Id, x.GivenName, x.FamilyName, x.StaffCode, schoolsOf.GetValueOrDefault(x.Id, ""), x.JobTitle, x.Email, x.EmploymentType, x.Manager, x.Status, x.DueOn,
            x.Status == RequestStatus.Signed ? x.Signature?.SignedAt : null, x.Status == RequestStatus.Signed ? x.Signature?.Method : null,
            x.Status == RequestStatus.Outstanding && x.DueOn < today ? "Overdue" : x.Status.ToString())).ToList();

        var managerIds = db.People.Where(p => p.LineManagerId != null && !p.IsLeaver).Select(p => p.LineManagerId!.Value).Distinct();
        Managers = scope.Team ? [] : await db.People.AsNoTracking().Where(p => managerIds.Contains(p.Id) && (scope.Named.AllSchools || p.Schools.Any(s => schoolIds.Contains(s.SchoolId))))
            .OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).Select(p => new ManagerOption(p.Id, p.GivenName + " " + p.FamilyName)).ToListAsync(ct);

        return Format == "csv" ? Csv() : Page();
    }

    private async Task TotalAsync(IQueryable<SignOffRequest> requests, DateOnly today, CancellationToken ct)
    {
        var totals = await requests.GroupBy(r => new { r.Status, Overdue = r.Status == RequestStatus.Outstanding && r.DueOn < today })
            .Select(g => new { g.Key.Status, g.Key.Overdue, Count = g.Count() }).ToListAsync(ct);
        Totals = totals.GroupBy(t => t.Overdue ? "Overdue" : t.Status.ToString()).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
    }

    /// <summary>Counts per school over everyone the reader counts (names or not), leavers and superseded requests aside.</summary>
    private async Task CountBySchoolAsync(IQueryable<SignOffRequest> requests, DateOnly today, CancellationToken ct)
    {
        var counts = await (from r in requests
                            join p in Scope.Counted(db.People.AsNoTracking()) on r.PersonId equals p.Id
                            join m in db.PersonSchools.AsNoTracking() on p.Id equals m.PersonId into ms
                            from m in ms.DefaultIfEmpty()
                            where r.Status != RequestStatus.Superseded && r.Status != RequestStatus.Stopped
                            group r by new { SchoolId = (long?)m.SchoolId, r.Status, Overdue = r.Status == RequestStatus.Outstanding && r.DueOn < today } into g
                            select new { g.Key.SchoolId, g.Key.Status, g.Key.Overdue, Count = g.Count() }).ToListAsync(ct);
        // A person's other schools, outside the reader's, are not theirs to count (a line manager's team is theirs wherever it works).
        counts = counts.Where(c => Scope.Team || (c.SchoolId is { } sid ? Scope.Schools.Includes(sid) : Scope.Schools.AllSchools)).ToList();
        var ids = counts.Where(c => c.SchoolId is not null).Select(c => c.SchoolId!.Value).Distinct().ToList();
        var names = await db.Schools.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        BySchool = counts.GroupBy(c => c.SchoolId)
            .Select(g => new SchoolTotals(g.Key is { } sid ? names[sid] : "Trust central team (no school)",
                g.Where(c => c.Status == RequestStatus.Signed).Sum(c => c.Count),
                g.Where(c => c.Status == RequestStatus.Outstanding && !c.Overdue).Sum(c => c.Count),
                g.Where(c => c.Overdue).Sum(c => c.Count),
                g.Where(c => c.Status == RequestStatus.Query).Sum(c => c.Count)))
            .OrderBy(t => t.School == "Trust central team (no school)").ThenBy(t => t.School, StringComparer.Ordinal).ToList();
    }

    private static string Cell(string? s) => Platform.Web.Csv.Cell(s);

    private FileContentResult Csv()
    {
        var sb = new StringBuilder("Surname,Forename,Staff code,School,Job title,Email,Employment type,Line manager,Status,Due,Signed (UTC),Method\r\n");
        foreach (var r in Rows)
        {
            sb.AppendJoin(',', Cell(r.FamilyName), Cell(r.GivenName), Cell(r.StaffCode), Cell(r.School), Cell(r.JobTitle), Cell(r.Email), r.EmploymentType, Cell(r.ManagerName), r.Shown,
                r.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.SignedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Method).Append("\r\n");
        }

        return CsvFile(sb, "register");
    }

    private FileContentResult TotalsCsv()
    {
        var sb = new StringBuilder("School,Signed,Outstanding,Overdue,Query\r\n");
        foreach (var t in BySchool)
        {
            sb.AppendJoin(',', Cell(t.School), t.Signed, t.Outstanding, t.Overdue, t.Query).Append("\r\n");
        }

        sb.AppendJoin(',', "All", Totals.GetValueOrDefault("Signed"), Totals.GetValueOrDefault("Outstanding"), Totals.GetValueOrDefault("Overdue"), Totals.GetValueOrDefault("Query")).Append("\r\n");
        return CsvFile(sb, "totals");
    }

    private FileContentResult CsvFile(StringBuilder sb, string kind)
    {
        var name = string.Concat(Policy.Title.Where(char.IsLetterOrDigit)) + "-v" + Version.Number + "-" + kind + ".csv";
        return File(Platform.Web.Csv.Bytes(sb), "text/csv", name);
    }
}
