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

internal sealed record RegisterRow(long PersonId, string GivenName, string FamilyName, string? StaffCode, EmploymentType EmploymentType, string? ManagerName, RequestStatus Status, DateOnly DueOn, DateTime? SignedAt, SignMethod? Method, string Shown);

internal sealed record ManagerOption(long Id, string Name);

/// <summary>
/// Who has signed a version, who is outstanding, overdue or has a query, filtered by school, role, employment type and
/// line manager; readers see their own schools, and a line manager only their own team.
/// </summary>
[Authorize(Policy = PolicyAccess.RegisterReaders)]
internal sealed class RegisterModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    /// <summary>Rows shown on the page; the CSV has them all.</summary>
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
    public List<School> Schools { get; private set; } = [];
    public List<ManagerOption> Managers { get; private set; } = [];
    public List<RegisterRow> Rows { get; private set; } = [];
    public Dictionary<string, int> Totals { get; private set; } = [];
    public int Count { get; private set; }

    public string CsvLink => QueryString.Create(new Dictionary<string, string?>
    {
        ["versionId"] = Version.Id.ToString(CultureInfo.InvariantCulture), ["q"] = Q, ["status"] = Status, ["school"] = School?.ToString(CultureInfo.InvariantCulture),
        ["type"] = Type?.ToString(), ["role"] = Role?.ToString(), ["manager"] = Manager?.ToString(CultureInfo.InvariantCulture), ["format"] = "csv",
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent() is var qs ? $"/policies/{Policy.Id}/register{qs}" : "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).FirstOrDefaultAsync(p => p.Id == id, ct);
        var wholeScope = await current.ScopeAsync(PolicyAccess.WholeSchoolReaderRoles, ct);
        var managerOnly = wholeScope.IsEmpty;
        if (policy is null || !PolicyAccess.CanSee(policy, managerOnly ? await current.ScopeAsync([Features.People.Role.LineManager], ct) : wholeScope))
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
        var me = await current.PersonAsync(ct);
        Schools = await db.Schools.AsNoTracking().Where(s => wholeScope.AllSchools || wholeScope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var schoolIds = Schools.Select(s => s.Id).ToList();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

        var requests = db.SignOffRequests.AsNoTracking().Where(r => r.PolicyVersionId == version.Id);
        var people = db.People.AsNoTracking();
        if (managerOnly)
        {
            people = people.Where(p => p.LineManagerId == me.Id);
        }
        else if (!wholeScope.AllSchools)
        {
            people = people.Where(p => p.Schools.Any(s => schoolIds.Contains(s.SchoolId)));
        }

        if (School is { } school && (wholeScope.AllSchools || schoolIds.Contains(school)))
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
        var totals = await joined.GroupBy(x => new { x.r.Status, Overdue = x.r.Status == RequestStatus.Outstanding && x.r.DueOn < today })
            .Select(g => new { g.Key.Status, g.Key.Overdue, Count = g.Count() }).ToListAsync(ct);
        Totals = totals.GroupBy(t => t.Overdue ? "Overdue" : t.Status.ToString()).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));

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
                       x.p.Id, x.p.GivenName, x.p.FamilyName, x.p.StaffCode, x.p.EmploymentType,
                       Manager = m == null ? null : m.GivenName + " " + m.FamilyName,
                       x.r.Status, x.r.DueOn,
                       Signature = db.Signatures.Where(s => s.PolicyId == policy.Id && s.PersonId == x.p.Id).OrderByDescending(s => s.SignedAt).Select(s => new { s.SignedAt, s.Method }).FirstOrDefault(),
                   };
        var list = await (Format == "csv" ? rows : rows.Take(PageRows)).ToListAsync(ct);
        Rows = list.Select(x => new RegisterRow(x.Id, x.GivenName, x.FamilyName, x.StaffCode, x.EmploymentType, x.Manager, x.Status, x.DueOn,
            x.Status == RequestStatus.Signed ? x.Signature?.SignedAt : null, x.Status == RequestStatus.Signed ? x.Signature?.Method : null,
            x.Status == RequestStatus.Outstanding && x.DueOn < today ? "Overdue" : x.Status.ToString())).ToList();

        var managerIds = db.People.Where(p => p.LineManagerId != null && !p.IsLeaver).Select(p => p.LineManagerId!.Value).Distinct();
        Managers = await db.People.AsNoTracking().Where(p => managerIds.Contains(p.Id) && (wholeScope.AllSchools || p.Schools.Any(s => schoolIds.Contains(s.SchoolId))))
            .OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).Select(p => new ManagerOption(p.Id, p.GivenName + " " + p.FamilyName)).ToListAsync(ct);

        return Format == "csv" ? Csv() : Page();
    }

    private FileContentResult Csv()
    {
        static string Cell(string? s) => s is null ? "" : s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@')
            ? "\"" + (s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@') ? "'" : "") + s.Replace("\"", "\"\"") + "\"" : s;
        var sb = new StringBuilder("Surname,Forename,Staff code,Employment type,Line manager,Status,Due,Signed (UTC),Method\r\n");
        foreach (var r in Rows)
        {
            sb.AppendJoin(',', Cell(r.FamilyName), Cell(r.GivenName), Cell(r.StaffCode), r.EmploymentType, Cell(r.ManagerName), r.Shown,
                r.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.SignedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Method).Append("\r\n");
        }

        var name = string.Concat(Policy.Title.Where(char.IsLetterOrDigit)) + "-v" + Version.Number + "-register.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray(), "text/csv", name);
    }
}
