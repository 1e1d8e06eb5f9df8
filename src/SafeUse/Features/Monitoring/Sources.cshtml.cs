using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Monitoring;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

internal sealed class SourceForm
{
    public long? Id { get; set; }
    public int Version { get; set; }
    public string? Name { get; set; }
    public string? Path { get; set; }
    public string Format { get; set; } = "auto";
    public string? TimeZone { get; set; } = School.DefaultTimeZone;
    public string? IpMapKind { get; set; }
    public string? IpMapPath { get; set; }
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// A school's log sources: the list with each one's last ingest, a form to add or change one, and "Test this source",
/// which reads the first lines of the newest matching file and shows how each parses, saving nothing. The preview is
/// the only file content these pages ever show.
/// </summary>
[Authorize(Policy = MonitoringAccess.SetUp)]
internal sealed class SourcesModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time) : PageModel
{
    public const int PreviewLines = 20;
    private const int PreviewBytes = 64 * 1024; // enough for 20 long proxy lines

    public static readonly IReadOnlyList<string> FormOrder = ["Source.Name", "Source.Path", "Source.Format", "Source.TimeZone", "Source.IpMapKind", "Source.IpMapPath"];

    [BindProperty(SupportsGet = true)]
    public long SchoolId { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Edit { get; set; }

    [BindProperty]
    public SourceForm Source { get; set; } = new();

    public School School { get; private set; } = null!;
    public List<LogSource> Sources { get; private set; } = [];
    public string? Saved { get; private set; }
    public Preview? Tested { get; private set; }

    internal sealed record Preview(string? File, string? Format, IReadOnlyList<PreviewLine> Lines, string? Problem);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        if (Edit is { } id)
        {
            var s = Sources.FirstOrDefault(x => x.Id == id);
            if (s is null)
            {
                return NotFound();
            }

            Source = new SourceForm
            {
                Id = s.Id, Version = s.Version, Name = s.Name, Path = s.Path, Format = s.Format, TimeZone = s.TimeZone,
                IpMapKind = s.IpMapKind, IpMapPath = s.IpMapPath, Enabled = s.Enabled,
            };
        }

        Saved = TempData["saved"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        ModelState.Clear();
        var path = Source.Path?.Trim() ?? "";
        if (path.Length == 0 || !System.IO.Path.IsPathFullyQualified(path))
        {
            ModelState.AddModelError("Source.Path", "Enter a full path on the server, starting with /");
            return Page();
        }

        try
        {
            var (file, head) = await LogFiles.NewestHeadAsync(path, PreviewBytes, ct);
            if (file is null)
            {
                Tested = new Preview(null, null, [], $"No file on the server matches {path}");
                return Page();
            }

            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(Source.TimeZone ?? School.DefaultTimeZone, out var z) ? z : TimeZoneInfo.Utc;
            var (format, lines) = LogPreview.Read(head, Formats.Parse(Source.Format), zone, time.GetUtcNow().Year, PreviewLines);
            Tested = new Preview(file, format, lines, format is null ? "SafeUse did not recognise this log's format: choose it in the list" : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Tested = new Preview(null, null, [], $"SafeUse cannot read the file: {e.GetType().Name}");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        var name = Source.Name?.Trim() ?? "";
        var path = Source.Path?.Trim() ?? "";
        var zone = Source.TimeZone?.Trim() ?? "";
        var mapPath = Source.IpMapPath?.Trim();
        var kind = string.IsNullOrWhiteSpace(Source.IpMapKind) ? null : Source.IpMapKind.Trim();
        if (name.Length is 0 or > 120)
        {
            ModelState.AddModelError("Source.Name", name.Length == 0 ? "Enter a name for the source, like \"Proxy\"" : "Name must be 120 characters or fewer");
        }
        else if (Sources.Any(s => s.Id != Source.Id && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            ModelState.AddModelError("Source.Name", $"This school already has a source called {name}");
        }

        if (path.Length == 0)
        {
            ModelState.AddModelError("Source.Path", "Enter the path of the log on the server");
        }
        else if (!System.IO.Path.IsPathFullyQualified(path))
        {
            ModelState.AddModelError("Source.Path", "Enter a full path on the server, starting with /");
        }
        else if (System.IO.Path.GetDirectoryName(path) is { } dir && dir.IndexOfAny(['*', '?']) >= 0)
        {
            ModelState.AddModelError("Source.Path", "Wildcards (* and ?) may only be in the file name, like /var/log/squid/access.log*");
        }
        else if (LogFiles.Match(path) is { Count: > 0 } files)
        {
            if (MonitoringSchools.PathProblem(files[^1], directory: false) is { } problem)
            {
                ModelState.AddModelError("Source.Path", problem);
            }
        }
        else
        {
            ModelState.AddModelError("Source.Path", $"No file on the server matches {path}");
        }

        if (!Formats.Names.Contains(Source.Format))
        {
            ModelState.AddModelError("Source.Format", "Choose a log format");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz))
        {
            ModelState.AddModelError("Source.TimeZone", "Enter a time zone like Europe/London");
        }

        if (kind is not null and not "csv")
        {
            ModelState.AddModelError("Source.IpMapKind", "Choose none or a CSV IP map");
        }
        else if (kind is not null)
        {
            if (string.IsNullOrEmpty(mapPath))
            {
                ModelState.AddModelError("Source.IpMapPath", "Enter the path of the IP map on the server");
            }
            else if (MonitoringSchools.PathProblem(mapPath, directory: false) is { } problem)
            {
                ModelState.AddModelError("Source.IpMapPath", problem);
            }
            else if (tz is not null)
            {
                try
                {
                    _ = IpMap.Load(mapPath, tz);
                }
                catch (MonitoringConfigException e)
                {
                    ModelState.AddModelError("Source.IpMapPath", Where(e));
                }
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        LogSource source;
        if (Source.Id is { } id)
        {
            source = await db.LogSources.FirstOrDefaultAsync(s => s.Id == id && s.SchoolId == SchoolId, ct) ?? throw new BadHttpRequestException("No such source");
            db.Entry(source).Property(s => s.Version).OriginalValue = Source.Version;
            source.Version++;
        }
        else
        {
            source = new LogSource { SchoolId = SchoolId, Name = name, Path = path, CreatedAt = now };
            db.LogSources.Add(source);
        }

        source.Name = name;
        source.Path = path;
        source.Format = Source.Format;
        source.TimeZone = zone;
        source.IpMapKind = kind;
        source.IpMapPath = kind is null ? null : mapPath;
        source.Enabled = Source.Enabled;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("Source.Name", "Someone else changed this source since you opened it: open it again to see their change");
            return Page();
        }

        audit.Record(db, await current.ActorAsync(ct), Source.Id is null ? "monitoring.source-added" : "monitoring.source-changed", "log_source", source.Id,
            $"{(Source.Id is null ? "Added" : "Changed")} the log source {source.Name} of {School.Name}", schoolId: SchoolId,
            after: new { source.Name, source.Path, source.Format, source.TimeZone, source.IpMapKind, source.IpMapPath, source.Enabled });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        TempData["saved"] = $"Saved the source {source.Name}.";
        return RedirectToPage(new { SchoolId, Edit = (long?)null });
    }

    public static string Where(MonitoringConfigException e)
    {
        var prefix = e.Line > 0 ? $"{e.File}:{e.Line}: {e.Field}: " : $"{e.File}: {e.Field}: ";
        var message = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        return new StringBuilder().Append(e.Line > 0 ? $"Line {e.Line}: " : "").Append(e.Field).Append(": ").Append(message).ToString();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await MonitoringSchools.FindAsync(db, current, MonitoringAccess.SetUpRoles, SchoolId, ct) is not { } school)
        {
            return false;
        }

        School = school;
        Sources = await db.LogSources.AsNoTracking().Where(s => s.SchoolId == SchoolId).OrderBy(s => s.Name).ToListAsync(ct);
        return true;
    }
}
