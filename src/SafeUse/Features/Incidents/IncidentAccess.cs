using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>
/// An incident is seen by the people it was routed to once they have been told, and by nobody else: not the person it
/// is about, not administrators, not a role that was not on its route. Restricted records (allegations and low-level
/// concerns) are routed only to the case manager and the DSL, so the same rule keeps them to those two.
/// </summary>
internal static class IncidentAccess
{
    public static IQueryable<Incident> Visible(AppDbContext db, long personId) =>
        db.Incidents.Where(i => i.SubjectId != personId
            && db.IncidentRecipients.Any(r => r.IncidentId == i.Id && r.PersonId == personId && r.NotifiedAt != null));
}
