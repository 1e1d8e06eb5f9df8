using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Pupils;

[Authorize(Policy = PupilAccess.Readers)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current) : PageModel
{
    private const int PageSize = 200;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? School { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Leavers { get; set; }

    public List<School> Schools { get; private set; } = [];
    public List<Pupil> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public bool CanImport { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = await PupilAccess.ReadScopeAsync(current, ct);
        CanImport = await current.HasAnyAsync([Role.Administrator], ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        var ids = Schools.Select(s => s.Id).ToList();
        var query = db.Pupils.AsNoTracking().Where(p => ids.Contains(p.SchoolId));
        if (School is { } school)
        {
            query = query.Where(p => p.SchoolId == school);
        }

        if (Year is { } year)
        {
            query = query.Where(p => p.YearGroup == year);
        }

        if (!Leavers)
        {
            query = query.Where(p => !p.IsLeaver);
        }

        foreach (var word in (Q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(5))
        {
            var w = word.ToLowerInvariant();
            query = query.Where(p => p.LegalGivenName.ToLower().Contains(w) || p.LegalFamilyName.ToLower().Contains(w)
                || (p.PreferredGivenName != null && p.PreferredGivenName.ToLower().Contains(w)) || (p.PreferredFamilyName != null && p.PreferredFamilyName.ToLower().Contains(w))
                || p.Upn.ToLower() == w);
        }

        Total = await query.CountAsync(ct);
        Rows = await query.OrderBy(p => p.YearGroup).ThenBy(p => p.LegalFamilyName).ThenBy(p => p.LegalGivenName).Take(PageSize).ToListAsync(ct);
    }

    public string SchoolName(long id) => Schools.FirstOrDefault(s => s.Id == id)?.Name ?? "";
}
