using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

[Authorize(Policy = AccessPolicies.PeopleReaders)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current) : PageModel
{
    private const int PageSize = 200;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? School { get; set; }

    [BindProperty(SupportsGet = true)]
    public EmploymentType? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Leavers { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool MissingEmail { get; set; }

    public List<School> Schools { get; private set; } = [];
    public List<Person> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public bool CanImport { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync(Roles.PeopleReaders, ct);
        CanImport = await current.HasAnyAsync([Role.Administrator], ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var visible = Schools.Select(s => s.Id).ToList();
        if (School is { } only && visible.Contains(only))
        {
            visible = [only];
        }

        var query = db.People.AsNoTracking().Where(p => p.Schools.Any(s => visible.Contains(s.SchoolId)) || (scope.AllSchools && School == null && !p.Schools.Any()));
        if (!Leavers)
        {
            query = query.Where(p => !p.IsLeaver);
        }

        if (Type is { } type)
        {
            query = query.Where(p => p.EmploymentType == type);
        }

        if (MissingEmail)
        {
            query = query.Where(p => p.Email == null);
        }

        if (!string.IsNullOrWhiteSpace(Q))
        {
            var like = DatabaseProvider.LikePattern(Q);
            query = query.Where(p => EF.Functions.Like((p.GivenName + " " + p.FamilyName).ToLower(), like, "\\")
                || EF.Functions.Like((p.FamilyName + " " + p.GivenName).ToLower(), like, "\\")
                || EF.Functions.Like(p.EmailNormalized ?? "", like, "\\")
                || EF.Functions.Like((p.StaffCode ?? "").ToLower(), like, "\\")
                || EF.Functions.Like((p.JobTitle ?? "").ToLower(), like, "\\"));
        }

        Total = await query.CountAsync(ct);
        Rows = await query.OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).Take(PageSize).ToListAsync(ct);
    }
}
