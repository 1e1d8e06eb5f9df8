using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>An action on an incident that nobody has marked done: whose it is and when it is due.</summary>
internal sealed record OpenAction(long EntryId, long IncidentId, long Owner, DateOnly Due)
{
    public bool OverdueOn(DateOnly today) => Due < today;
}

/// <summary>
/// Actions are entries (owner and due date in their data) and "done" is a later entry that refers to one, so what is
/// open is worked out here, the one place that reads an action's data.
/// </summary>
internal static class IncidentActions
{
    /// <summary>The owner and due date an action entry holds.</summary>
    public static (long Owner, DateOnly Due) Read(string? data)
    {
        using var doc = JsonDocument.Parse(data ?? "{}");
        return (doc.RootElement.GetProperty("owner").GetInt64(),
            DateOnly.Parse(doc.RootElement.GetProperty("due").GetString()!, CultureInfo.InvariantCulture));
    }

    /// <summary>The open actions among one incident's entries, already loaded.</summary>
    public static List<OpenAction> Open(IReadOnlyCollection<IncidentEntry> entries)
    {
        var done = entries.Where(e => e.Type == EntryTypes.ActionDone).Select(e => e.RefersToId).ToHashSet();
        return entries.Where(e => e.Type == EntryTypes.Action && !done.Contains(e.Id)).Select(e =>
        {
            var (owner, due) = Read(e.Data);
            return new OpenAction(e.Id, e.IncidentId, owner, due);
        }).ToList();
    }

    /// <summary>The open actions on these incidents, in one query.</summary>
    public static async Task<List<OpenAction>> OpenAsync(AppDbContext db, IReadOnlyCollection<long> incidentIds, CancellationToken ct)
    {
        var entries = await db.IncidentEntries.AsNoTracking()
            .Where(e => incidentIds.Contains(e.IncidentId) && (e.Type == EntryTypes.Action || e.Type == EntryTypes.ActionDone))
            .ToListAsync(ct);
        return Open(entries);
    }
}
