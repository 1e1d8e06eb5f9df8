using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Incidents;

/// <summary>
/// A file attached to an incident, as a download, for the people who may see the incident (the same rule as its page)
/// and nobody else: anyone else gets the same "not found" as for an id that does not exist. A restricted record's file
/// is audited like a view of it. A stored copy that no longer matches its SHA-256 is refused, and that is audited too.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class DownloadModel(AppDbContext db, CurrentUser current, AttachmentStore store, AuditTrail audit) : PageModel
{
    public long IncidentId { get; private set; }
    public string Problem { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id, long fileId, CancellationToken ct)
    {
        var incident = await IncidentAccess.Visible(db, current.PersonId!.Value).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        var file = incident is null ? null : await db.IncidentAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == fileId && a.IncidentId == id, ct);
        if (incident is null || file is null)
        {
            return NotFound();
        }

        var actor = await current.ActorAsync(ct);
        var bytes = await store.ReadVerifiedAsync(file, ct);
        if (bytes is null)
        {
            audit.Record(db, actor, "incident.attachment-refused", "incident", incident.Id,
                $"{incident.Reference}: a file's stored copy is missing or does not match its SHA-256, so it was not sent", schoolId: incident.SchoolId);
            await db.SaveChangesAsync(ct);
            IncidentId = incident.Id;
            Problem = $"The stored copy of {file.FileName} is missing or no longer matches the file that was attached on {Gov.Local(file.AddedAt)}, "
                + "so it has not been sent to you. This has been recorded on the audit trail: tell your SafeUse administrator.";
            var page = Page();
            page.StatusCode = StatusCodes.Status409Conflict;
            return page;
        }

        if (incident.Restricted)
        {
            audit.Record(db, actor, "incident.attachment-downloaded", "incident", incident.Id, $"{incident.Reference}: a file of a restricted record downloaded", schoolId: incident.SchoolId);
            await db.SaveChangesAsync(ct);
        }

        // Never shown in the browser's own context: downloaded, not sniffed, sandboxed if opened, and never cached.
        var headers = Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        var contentType = file.ContentType == FileContent.Text.ContentType ? "text/plain; charset=utf-8" : file.ContentType;
        return File(bytes, contentType, file.FileName);
    }
}
