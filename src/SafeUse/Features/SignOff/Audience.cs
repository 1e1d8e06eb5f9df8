using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

/// <summary>Who must sign a policy: current (not leaver) people in its schools (or the whole trust) who match its audience rules.</summary>
internal static class Audience
{
    public static async Task<List<long>> PersonIdsAsync(AppDbContext db, Policy policy, CancellationToken ct)
    {
        var schoolIds = policy.Scope == PolicyScope.Trust
            ? await db.Schools.Where(s => s.TrustId == policy.TrustId).Select(s => s.Id).ToListAsync(ct)
            : policy.Schools.Select(s => s.SchoolId).ToList();
        var roles = policy.Audience.Where(a => a.Kind == AudienceKind.Role).Select(a => Roles.TryParse(a.Value, out var r) ? r : (Role?)null).OfType<Role>().ToList();
        var types = policy.Audience.Where(a => a.Kind == AudienceKind.EmploymentType).Select(a => Enum.TryParse<EmploymentType>(a.Value, true, out var t) ? t : (EmploymentType?)null).OfType<EmploymentType>().ToList();

        // A trust-wide policy is for everyone in the trust, including its central team (CEO, DPO...), who belong to no school.
        var trustWide = policy.Scope == PolicyScope.Trust;
        var query = db.People.AsNoTracking().Where(p => p.TrustId == policy.TrustId && !p.IsLeaver
            && (trustWide || p.Schools.Any(s => schoolIds.Contains(s.SchoolId))));
        if (roles.Count > 0)
        {
            query = query.Where(p => p.Roles.Any(r => roles.Contains(r.Role) && (trustWide || r.SchoolId == null || schoolIds.Contains(r.SchoolId.Value))));
        }

        if (types.Count > 0)
        {
            query = query.Where(p => types.Contains(p.EmploymentType));
        }

        var groups = policy.Audience.Where(a => a.Kind == AudienceKind.StaffGroup).Select(a => a.Value.ToLowerInvariant()).ToList();
        if (groups.Count > 0)
        {
            query = query.Where(p => p.StaffGroup != null && groups.Contains(p.StaffGroup.ToLower()));
        }

        return await query.Select(p => p.Id).ToListAsync(ct);
    }

    public static string Describe(Policy policy)
    {
        var roles = policy.Audience.Where(a => a.Kind == AudienceKind.Role).Select(a => Roles.TryParse(a.Value, out var r) ? r.Label() : a.Value).ToList();
        var types = policy.Audience.Where(a => a.Kind == AudienceKind.EmploymentType).Select(a => a.Value.ToLowerInvariant()).ToList();
        var groups = policy.Audience.Where(a => a.Kind == AudienceKind.StaffGroup).Select(a => a.Value).ToList();
        var who = roles.Count == 0 ? "All staff" : string.Join(", ", roles);
        var narrowed = types.Concat(groups.Select(g => g + " group")).ToList();
        return narrowed.Count == 0 ? who : $"{who} ({string.Join(", ", narrowed)})";
    }
}
