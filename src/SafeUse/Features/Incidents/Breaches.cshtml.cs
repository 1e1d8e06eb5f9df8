using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Incidents;

internal sealed record BreachLogRow(Incident Incident, string School, BreachRecord? Record)
{
    public string?[] Cells => Breach.LogCells(Incident, School, Record);
}

/// <summary>
/// The breach log (UK GDPR Art. 33(5)): every personal-data breach the viewer handles, reported to the ICO or not, by
/// when the school became aware. Only incidents routed to the viewer, and never a restricted record. The same rows on
/// the page, in the printable view and in the CSV.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class BreachesModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateParts From { get; set; } = new();
    [BindProperty(SupportsGet = true)] public DateParts To { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? Format { get; set; }

    public List<BreachLogRow> Rows { get; private set; } = [];
    public bool Print => Format == "print";
    public string PrintedBy { get; private set; } = "";
    public DateTime Now => time.GetUtcNow().UtcDateTime;
    public DateOnly? FromDate { get; private set; }
    public DateOnly? ToDate { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        FromDate = DateArgument("from", From, "From", "start date");
        ToDate = DateArgument("to", To, "To", "end date");
        if (FromDate is { } f && ToDate is { } t && f > t)
        {
            ModelState.AddModelError("To", "The end date must be the same as or after the start date");
        }

        if (Format is not (null or "" or "csv" or "print"))
        {
            ModelState.AddModelError("", "The format must be csv or print");
        }

        if (!ModelState.IsValid)
        {
            Format = null;
            return Page();
        }

        Rows = await RowsAsync(current.PersonId!.Value, FromDate, ToDate, ct);
        PrintedBy = (await current.ActorAsync(ct)).Name;
        return Format == "csv" ? Csv() : Page();
    }

    /// <summary>A date as GOV.UK date inputs send it, or as yyyy-mm-dd in a link (from the CSV and print links).</summary>
    private DateOnly? DateArgument(string query, DateParts parts, string field, string name)
    {
        if (parts.IsEmpty && Request.Query[query].ToString() is { Length: > 0 } text)
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                parts.Day = d.Day.ToString(CultureInfo.InvariantCulture);
                parts.Month = d.Month.ToString(CultureInfo.InvariantCulture);
                parts.Year = d.Year.ToString(CultureInfo.InvariantCulture);
                return d;
            }

            ModelState.AddModelError(field, $"The {name} must be a real date, like 2026-09-01");
            return null;
        }

        if (parts.Problem(name) is { } problem)
        {
            ModelState.AddModelError(field, problem);
            return null;
        }

        return parts.Value;
    }

    private async Task<List<BreachLogRow>> RowsAsync(long viewer, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(School.DefaultTimeZone);
        var query = IncidentAccess.Visible(db, viewer).AsNoTracking()
            .Where(i => !i.Restricted && (i.Kind == ReportKinds.DataBreach || i.AwareAt != null));
        if (from is { } f)
        {
            var start = TimeZoneInfo.ConvertTimeToUtc(f.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
            query = query.Where(i => (i.AwareAt ?? i.CreatedAt) >= start);
        }

        if (to is { } t)
        {
            var end = TimeZoneInfo.ConvertTimeToUtc(t.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
            query = query.Where(i => (i.AwareAt ?? i.CreatedAt) < end);
        }

        var incidents = await query.OrderBy(i => i.AwareAt ?? i.CreatedAt).ThenBy(i => i.Id).ToListAsync(ct);
        var ids = incidents.Select(i => i.Id).ToList();
        var breaches = (await db.IncidentEntries.AsNoTracking().Where(e => ids.Contains(e.IncidentId) && e.Type == EntryTypes.Breach).ToListAsync(ct))
            .GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => Breach.Parse(g.OrderBy(e => e.At).ThenBy(e => e.Id).Last()));
        var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return incidents.Select(i => new BreachLogRow(i, schools.GetValueOrDefault(i.SchoolId, ""), breaches.GetValueOrDefault(i.Id))).ToList();
    }

    public string Link(string? format) => "/incidents/breaches" + QueryString.Create(new Dictionary<string, string?>
    {
        ["from"] = FromDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = ToDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["format"] = format,
    }.Where(p => p.Value is not null));

    private FileContentResult Csv()
    {
        // The log names people's data and the ICO's decisions: no copy may sit in a shared cache.
        Response.Headers.CacheControl = "no-store";
        var sb = new StringBuilder();
        Platform.Web.Csv.Row(sb, Breach.LogHeaders);
        foreach (var r in Rows)
        {
            Platform.Web.Csv.Row(sb, r.Cells);
        }

        var name = "breach-log" + (FromDate is { } f ? "-from-" + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")
            + (ToDate is { } t ? "-to-" + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "") + ".csv";
        return File(Platform.Web.Csv.Bytes(sb), "text/csv", name);
    }
}
