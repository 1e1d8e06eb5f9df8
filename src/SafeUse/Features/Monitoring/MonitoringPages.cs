using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

internal static class MonitoringSchools
{
    /// <summary>The school, when the signed-in person holds one of <paramref name="roles"/> there (or trust-wide); null means 404.</summary>
    public static async Task<School?> FindAsync(AppDbContext db, CurrentUser current, Role[] roles, long schoolId, CancellationToken ct)
    {
        var scope = await current.ScopeAsync(roles, ct);
        return scope.Includes(schoolId) ? await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == schoolId, ct) : null;
    }

    /// <summary>A server path's problem for a form (missing, not readable), or null when it is readable.</summary>
    public static string? PathProblem(string path, bool directory)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            return "Enter a full path on the server, starting with /";
        }

        try
        {
            if (directory)
            {
                if (!Directory.Exists(path))
                {
                    return $"There is no folder {path} on the server";
                }

                Directory.EnumerateFileSystemEntries(path).Take(1).ToList();
                return null;
            }

            if (!File.Exists(path))
            {
                return $"There is no file {path} on the server";
            }

            File.OpenRead(path).Dispose();
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"SafeUse cannot read {path}: check its permissions";
        }
    }
}
