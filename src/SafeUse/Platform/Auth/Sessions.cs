using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

/// <summary>One sign-in: where (browser, address), how, when it was last used, and whether it has been ended.</summary>
internal sealed class UserSession
{
    /// <summary>Random, carried in the (encrypted) cookie as <see cref="Sessions.SessionClaim"/>.</summary>
    public required string Id { get; set; }

    public long PersonId { get; set; }

    /// <summary>The account's security stamp when the session began: a later change of stamp ends it too.</summary>
    public required string Stamp { get; set; }

    public required string Method { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? EndedAt { get; set; }

    /// <summary>Why it ended, in words for the audit and the page: "signed out", "signed out from another session"...</summary>
    public string? EndedHow { get; set; }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.HasKey(s => s.Id);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId);
        b.HasIndex(s => s.PersonId);
    }
}

/// <summary>
/// Where a person is signed in. Each sign-in writes a row named in its cookie; the cookie is honoured only while the row
/// is open, its stamp is the account's current one and the person is not a leaver (<see cref="ValidateAsync"/>), so
/// ending one row signs out that browser (and every copy of its cookie) and leaves the others alone.
/// </summary>
internal static class Sessions
{
    public const string SessionClaim = "safeuse:session";

    /// <summary>How long a session lasts unused: the cookie's sliding lifetime.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromHours(8);

    /// <summary>Last-seen times are written at most this often, so browsing costs no write per request.</summary>
    public static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    public static UserSession Start(AppDbContext db, long personId, string stamp, SignInMethod method, HttpContext http, DateTime now)
    {
        var session = new UserSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            PersonId = personId,
            Stamp = stamp,
            Method = method.ToString(),
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 400),
            CreatedAt = now,
            LastSeenAt = now,
        };
        db.Add(session);
        return session;
    }

    public static string? Id(ClaimsPrincipal user) => user.FindFirstValue(SessionClaim);

    /// <summary>
    /// True when the cookie's session is still good; notes when it was last used (and from where) at most once a
    /// <see cref="SeenResolution"/>. One query answers stamp, leaver and session together.
    /// </summary>
    public static async Task<bool> ValidateAsync(AppDbContext db, long personId, string stamp, string sessionId, HttpContext http, DateTime now, CancellationToken ct)
    {
        // No idle check here: the cookie's own sliding expiry ends an unused session.
        var row = await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.PersonId == personId && s.EndedAt == null && s.Stamp == stamp
                && db.Accounts.Any(a => a.PersonId == personId && a.SecurityStamp == stamp)
                && db.People.Any(p => p.Id == personId && !p.IsLeaver))
            .Select(s => new { s.LastSeenAt, s.IpAddress })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return false;
        }

        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (now - row.LastSeenAt >= SeenResolution || ip != row.IpAddress)
        {
            await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.IpAddress, ip), ct);
        }

        return true;
    }

    /// <summary>The person's sessions that still work, most recently used first.</summary>
    public static async Task<List<UserSession>> OpenAsync(AppDbContext db, long personId, DateTime now, CancellationToken ct)
    {
        var idleSince = now - IdleLimit;
        return await db.UserSessions.AsNoTracking()
            .Where(s => s.PersonId == personId && s.EndedAt == null && s.LastSeenAt > idleSince
                && db.Accounts.Any(a => a.PersonId == personId && a.SecurityStamp == s.Stamp))
            .OrderByDescending(s => s.LastSeenAt).ThenByDescending(s => s.CreatedAt)
            .ToListAsync(ct);
    }

    /// <summary>Ends the person's open sessions (all, or all but <paramref name="keep"/>); saved with the caller's next SaveChanges.</summary>
    public static async Task<int> EndAsync(AppDbContext db, long personId, string how, DateTime now, CancellationToken ct, string? only = null, string? keep = null)
    {
        var open = await db.UserSessions.Where(s => s.PersonId == personId && s.EndedAt == null && (only == null || s.Id == only) && (keep == null || s.Id != keep)).ToListAsync(ct);
        foreach (var s in open)
        {
            s.EndedAt = now;
            s.EndedHow = how;
        }

        return open.Count;
    }

    /// <summary>Forgets sessions that ended or went idle more than 30 days ago.</summary>
    public static Task<int> PruneAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var before = now - TimeSpan.FromDays(30);
        return db.UserSessions.Where(s => (s.EndedAt != null && s.EndedAt < before) || s.LastSeenAt < before).ExecuteDeleteAsync(ct);
    }

    /// <summary>"Chrome on Windows", from the user agent, for people to recognise their own devices; never used to decide anything.</summary>
    public static string Device(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown browser";
        }

        var ua = userAgent;
        string browser =
            ua.Contains("Edg/", StringComparison.Ordinal) ? "Edge"
            : ua.Contains("OPR/", StringComparison.Ordinal) ? "Opera"
            : ua.Contains("Firefox/", StringComparison.Ordinal) || ua.Contains("FxiOS/", StringComparison.Ordinal) ? "Firefox"
            : ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("CriOS/", StringComparison.Ordinal) || ua.Contains("HeadlessChrome", StringComparison.Ordinal) ? "Chrome"
            : ua.Contains("Safari/", StringComparison.Ordinal) ? "Safari"
            : "Another browser";
        string? system =
            ua.Contains("iPhone", StringComparison.Ordinal) ? "iPhone"
            : ua.Contains("iPad", StringComparison.Ordinal) ? "iPad"
            : ua.Contains("Android", StringComparison.Ordinal) ? "Android"
            : ua.Contains("CrOS", StringComparison.Ordinal) ? "Chromebook"
            : ua.Contains("Windows", StringComparison.Ordinal) ? "Windows"
            : ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal) ? "Mac"
            : ua.Contains("Linux", StringComparison.Ordinal) ? "Linux"
            : null;
        return system is null ? browser : $"{browser} on {system}";
    }

    private static string? Truncate(string value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
