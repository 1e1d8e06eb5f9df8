using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

internal enum SignInOutcome
{
    Succeeded,
    Refused,
}

internal sealed record SignInAttempt(SignInOutcome Outcome, Person? Person);

/// <summary>How a session began, carried in its cookie (<see cref="SignInService.MethodClaim"/>).</summary>
internal enum SignInMethod
{
    Password,
    EmailLink,

    /// <summary>Microsoft or Google (OpenID Connect).</summary>
    SingleSignOn,

    /// <summary>A passkey with user verification: it gives the second factor too, so the session is not pending.</summary>
    Passkey,
}

/// <summary>Passwords, emailed single-use links and throttling. Never says whether an address exists.</summary>
internal sealed class SignInService(AppDbContext db, TimeProvider time, AuditTrail audit, Outbox.Outbox outbox)
{
    /// <summary>Failures allowed per address within <see cref="Window"/> before that address pauses.</summary>
    /// <remarks>
    /// There is no lock per client address: a school's staff share one NAT address, and one person's failures must
    /// not lock the whole school out. Clients are slowed down instead by the sign-in rate limiter (<see cref="SignInRateLimits"/>).
    /// </remarks>
    public const int MaxFailuresPerAddress = 5;

    /// <summary>The claim that carries the account's security stamp; a cookie whose stamp is no longer current is refused.</summary>
    public const string StampClaim = "safeuse:stamp";

    /// <summary>The claim that says how the session began (a <see cref="SignInMethod"/>), with <see cref="SignedInAtClaim"/> its time.</summary>
    public const string MethodClaim = "safeuse:signed-in-by";

    /// <summary>When the session began, UTC, round-trip format.</summary>
    public const string SignedInAtClaim = "safeuse:signed-in-at";

    /// <summary>
    /// How long after signing in with an emailed link a new password may be set without the current one: the link
    /// already proved control of the mailbox, the same proof a reset link gives, and it lasts as long as the link did.
    /// </summary>
    public static readonly TimeSpan LinkResetWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<Person> Hasher = new();

    // Verified against when no account exists, so a missing account takes as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());

    public static string HashPassword(Person person, string password) => Hasher.HashPassword(person, password);

    public async Task<SignInAttempt> PasswordSignInAsync(string email, string password, string? clientIp, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var normalized = Person.Normalize(email) ?? "";
        var addressKey = "email:" + normalized;
        if (await IsLockedAsync(addressKey, now, ct))
        {
            return new(SignInOutcome.Refused, null);
        }

        var person = await db.People.FirstOrDefaultAsync(p => p.EmailNormalized == normalized && !p.IsLeaver, ct);
        var account = person is null ? null : await db.Accounts.FirstOrDefaultAsync(a => a.PersonId == person.Id, ct);
        bool verified;
        if (account?.PasswordHash is { } hash)
        {
            verified = Hasher.VerifyHashedPassword(person!, hash, password) != PasswordVerificationResult.Failed;
        }
        else
        {
            _ = Hasher.VerifyHashedPassword(null!, DummyHash, password);
            verified = false;
        }

        if (!verified || account is null || person is null)
        {
            await CountFailureAsync(addressKey, MaxFailuresPerAddress, now, ct);
            return new(SignInOutcome.Refused, null);
        }

        account.FailedCount = 0;
        account.LastSignInAt = now;
        await db.SignInThrottles.Where(t => t.Key == addressKey).ExecuteDeleteAsync(ct);
        audit.Record(db, new Actor(person.Id, person.FullName), "account.sign-in", "person", person.Id, "Signed in with a password");
        await db.SaveChangesAsync(ct);
        return new(SignInOutcome.Succeeded, person);
    }

    /// <summary>Emails a single-use link when the address belongs to a current member of staff; silent otherwise.</summary>
    public async Task RequestLinkAsync(string email, string baseUrl, string? clientIp, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var normalized = Person.Normalize(email) ?? "";
        var addressKey = "link:" + normalized;
        if (await IsLockedAsync(addressKey, now, ct))
        {
            return;
        }

        // Counted as a "failure" so one address cannot be sent more than a few links in a window.
        await CountFailureAsync(addressKey, MaxFailuresPerAddress, now, ct);
        var person = await db.People.FirstOrDefaultAsync(p => p.EmailNormalized == normalized && !p.IsLeaver, ct);
        if (person?.Email is not null)
        {
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            db.SignInLinks.Add(new SignInLink { PersonId = person.Id, TokenHash = TokenHash(token), CreatedAt = now, ExpiresAt = now + LinkLifetime });
            outbox.Enqueue(db, person.Email, "Your SafeUse sign-in link",
                $"""
                Use this link to sign in to SafeUse. It works once, for the next {LinkLifetime.TotalMinutes:0} minutes.

                {baseUrl.TrimEnd('/')}/account/link?token={token}

                If you did not ask for it, you can ignore this email.
                """, sensitive: true);
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task<SignInAttempt> RedeemLinkAsync(string token, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = TokenHash(token);
        var link = await db.SignInLinks.FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null || link.UsedAt is not null || link.ExpiresAt <= now)
        {
            return new(SignInOutcome.Refused, null);
        }

        var person = await db.People.FirstOrDefaultAsync(p => p.Id == link.PersonId && !p.IsLeaver, ct);
        if (person is null)
        {
            return new(SignInOutcome.Refused, null);
        }

        link.UsedAt = now;
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.PersonId == person.Id, ct);
        if (account is null)
        {
            db.Accounts.Add(new Account { PersonId = person.Id, SecurityStamp = NewStamp(), CreatedAt = now, LastSignInAt = now });
        }
        else
        {
            account.LastSignInAt = now;
        }

        audit.Record(db, new Actor(person.Id, person.FullName), "account.sign-in", "person", person.Id, "Signed in with an emailed link");
        // The update of used_at is conditional on it still being null, so two redemptions of one link cannot both win.
        var updated = await db.SignInLinks.Where(l => l.Id == link.Id && l.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        if (updated == 0)
        {
            return new(SignInOutcome.Refused, null);
        }

        db.Entry(link).State = EntityState.Unchanged;
        await db.SaveChangesAsync(ct);
        return new(SignInOutcome.Succeeded, person);
    }

    public async Task SetPasswordAsync(Person person, string password, Actor actor, CancellationToken ct, string? how = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.PersonId == person.Id, ct);
        if (account is null)
        {
            account = new Account { PersonId = person.Id, SecurityStamp = NewStamp(), CreatedAt = now };
            db.Accounts.Add(account);
        }

        account.PasswordHash = HashPassword(person, password);
        account.SecurityStamp = NewStamp();
        audit.Record(db, actor, "account.password-set", "person", person.Id, $"Password set for {person.FullName}" + (how is null ? "" : $" ({how})"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>True when the person has a password and this is it (for changing a password, which asks for the current one).</summary>
    public async Task<bool> HasPasswordAsync(long personId, CancellationToken ct) =>
        await db.Accounts.AnyAsync(a => a.PersonId == personId && a.PasswordHash != null, ct);

    public async Task<bool> CheckPasswordAsync(Person person, string? password, CancellationToken ct)
    {
        var hash = await db.Accounts.Where(a => a.PersonId == person.Id).Select(a => a.PasswordHash).FirstOrDefaultAsync(ct);
        return hash is not null && password is not null && Hasher.VerifyHashedPassword(person, hash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// Asks the signed-in person for their password again (a witness ending a locked signing screen). Whoever holds the
    /// device may try it, so failures count as sign-in failures do, under the person's own key, and pause after
    /// <see cref="MaxFailuresPerAddress"/> in <see cref="Window"/>.
    /// </summary>
    public async Task<bool> ReconfirmPasswordAsync(Person person, string? password, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = "reconfirm:" + person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (await IsLockedAsync(key, now, ct))
        {
            return false;
        }

        if (await CheckPasswordAsync(person, password, ct))
        {
            await db.SignInThrottles.Where(t => t.Key == key).ExecuteDeleteAsync(ct);
            return true;
        }

        await CountFailureAsync(key, MaxFailuresPerAddress, now, ct);
        return false;
    }

    /// <summary>
    /// Ends every session of these people (sign-out, a password change, a role removed, leaving): their cookies stop
    /// working. The change is saved with the caller's next SaveChanges, in the same transaction as what caused it.
    /// </summary>
    public static async Task EndSessionsAsync(AppDbContext db, IReadOnlyCollection<long> personIds, CancellationToken ct)
    {
        foreach (var account in await db.Accounts.Where(a => personIds.Contains(a.PersonId)).ToListAsync(ct))
        {
            account.SecurityStamp = NewStamp();
        }
    }

    public static ClaimsPrincipal Principal(Person person, string stamp, string sessionId, SignInMethod method, DateTimeOffset at, bool factorPending = false, DateTimeOffset? factorAt = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, person.FullName),
            new(StampClaim, stamp),
            new(Sessions.SessionClaim, sessionId),
            new(MethodClaim, method.ToString()),
            new(SignedInAtClaim, at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (factorPending)
        {
            claims.Add(new Claim(SecondFactorService.PendingClaim, "true"));
        }

        if (factorAt is { } used)
        {
            claims.Add(new Claim(SecondFactorService.FactorAtClaim, used.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>
    /// Signs the person in. Someone with a second factor gets a session that is pending it (it reaches only the second
    /// factor's page and signing out) until they give it. <paramref name="continuing"/> is the session this one
    /// replaces (a password change): if it had already passed the second factor, the new one has too, at the same time.
    /// <paramref name="factorGivenAt"/> says the sign-in itself gave a second factor (single sign-on whose provider did).
    /// </summary>
    public async Task SignInCookieAsync(HttpContext http, Person person, SignInMethod method, CancellationToken ct, ClaimsPrincipal? continuing = null, DateTimeOffset? factorGivenAt = null)
    {
        var account = await db.Accounts.AsNoTracking().Where(a => a.PersonId == person.Id && db.People.Any(p => p.Id == person.Id && !p.IsLeaver))
            .Select(a => new { a.SecurityStamp, a.SecondFactorEnabled }).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("The person has no account to sign in to.");
        var carried = method == SignInMethod.Passkey ? time.GetUtcNow()
            : factorGivenAt ?? (continuing is not null && !SecondFactorService.IsPending(continuing) ? SecondFactorService.FactorAt(continuing) : null);
        var pending = account.SecondFactorEnabled && carried is null;
        var now = time.GetUtcNow();
        var session = Sessions.Start(db, person.Id, account.SecurityStamp, method, http, now.UtcDateTime);
        if (continuing is not null && Sessions.Id(continuing) is { } replaced)
        {
            // The browser's old session becomes this one (a password change gives it a new stamp).
            await Sessions.EndAsync(db, person.Id, "continued as a new session", now.UtcDateTime, ct, only: replaced);
        }

        await db.SaveChangesAsync(ct);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(person, account.SecurityStamp, session.Id, method, now, pending, carried));
    }

    /// <summary>
    /// True when this session began with an emailed link no more than <see cref="LinkResetWindow"/> ago, so its owner
    /// may set a new password without the current one (which someone who forgot it cannot give).
    /// </summary>
    public bool IsRecentLinkSession(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(MethodClaim) != nameof(SignInMethod.EmailLink)
            || !DateTime.TryParse(user.FindFirstValue(SignedInAtClaim), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at))
        {
            return false;
        }

        var age = time.GetUtcNow().UtcDateTime - at;
        return age >= TimeSpan.Zero && age <= LinkResetWindow;
    }

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private Task<bool> IsLockedAsync(string key, DateTime now, CancellationToken ct) => IsLockedAsync(db, key, now, ct);

    private Task CountFailureAsync(string key, int limit, DateTime now, CancellationToken ct) => CountFailureAsync(db, key, limit, now, ct);

    internal static async Task<bool> IsLockedAsync(AppDbContext db, string key, DateTime now, CancellationToken ct)
    {
        var t = await db.SignInThrottles.AsNoTracking().FirstOrDefaultAsync(x => x.Key == key, ct);
        return t?.LockedUntil is { } until && until > now;
    }

    /// <summary>
    /// Counts one failure in one statement (insert or update), so concurrent failures are each counted and never
    /// race on the row's key; the pause starts when the count reaches the limit within the window.
    /// </summary>
    internal static async Task CountFailureAsync(AppDbContext db, string key, int limit, DateTime now, CancellationToken ct)
    {
        var windowOpen = now - Window;
        var lockUntil = now + Window;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO sign_in_throttle (key, failures, window_start, locked_until)
            VALUES ({key}, 1, {now}, NULL)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN sign_in_throttle.window_start < {windowOpen} THEN 1 ELSE sign_in_throttle.failures + 1 END,
                window_start = CASE WHEN sign_in_throttle.window_start < {windowOpen} THEN {now} ELSE sign_in_throttle.window_start END,
                locked_until = CASE
                    WHEN sign_in_throttle.window_start < {windowOpen} THEN NULL
                    WHEN sign_in_throttle.failures + 1 >= {limit} THEN {lockUntil}
                    ELSE sign_in_throttle.locked_until END
            """, ct);
    }
}
