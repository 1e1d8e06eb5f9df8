using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using QRCoder;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

internal enum FactorCheck
{
    Accepted,
    Refused,

    /// <summary>Too many wrong codes: nothing is accepted until the pause ends.</summary>
    Locked,
}

/// <summary>What the enrolment page shows: the secret for typing in, the otpauth address and its QR code as SVG markup.</summary>
internal sealed record TotpEnrolment(string GroupedSecret, string Uri, string QrSvg);

/// <summary>
/// Second factors: authenticator apps (TOTP, RFC 6238) and single-use recovery codes; who must have one; and the
/// step-up check for restricted records.
/// </summary>
/// <remarks>
/// TOTP secrets must be readable by the server (it computes the same code), so they cannot be hashed: they are sealed
/// with ASP.NET Data Protection, whose keys live outside the database (the key ring beside it, encrypted with a
/// certificate when the trust gives one), so a copy of the database alone does not give anyone's codes.
/// </remarks>
internal sealed partial class SecondFactorService(AppDbContext db, TimeProvider time, AuditTrail audit, IDataProtectionProvider protection, Outbox.Outbox outbox, ILogger<SecondFactorService> logger)
{
    /// <summary>The Data Protection purpose TOTP secrets are sealed under; changing it makes every secret unreadable.</summary>
    public const string SecretPurpose = "SafeUse.SecondFactor.TotpSecret.v1";

    /// <summary>A session that has given a password or link but not yet its second factor.</summary>
    public const string PendingClaim = "safeuse:factor-pending";

    /// <summary>When the session last gave its second factor, UTC, round-trip format (for step-up).</summary>
    public const string FactorAtClaim = "safeuse:factor-at";

    public const string VerifyPath = "/account/second-factor";
    public const string EnrolPath = "/account/second-factor/enrol";

    /// <summary>Wrong codes allowed per person within <see cref="SignInService.Window"/> before their second factor pauses.</summary>
    public const int MaxFailures = 5;

    public const int RecoveryCodeCount = 10;

    /// <summary>Roles that see safeguarding or personal data in bulk: they must have a second factor (trusts may add more).</summary>
    public static readonly Role[] RequiredRoles = [Role.Administrator, Role.Dsl, Role.DeputyDsl, Role.Head, Role.ExecutiveLeader, Role.Dpo];

    /// <summary>How long a second factor given in a session lets it open restricted records without giving it again.</summary>
    public static readonly TimeSpan StepUpAge = TimeSpan.FromHours(12);

    // 160 bits, the size RFC 4226 recommends for HMAC-SHA1 secrets.
    private const int SecretBytes = 20;

    // Recovery codes: ten characters from 32 that are not easily confused (no I, O, 0, 1), so 50 bits each.
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const int CodeLength = 10;

    // The codes are random (50 bits), not chosen by people, so the hash needs no great cost to resist guessing; the
    // iterations are belt and braces should the table leak, and ten verifications stay well under a tenth of a second.
    private const int CodeIterations = 10_000;

    private IDataProtector Protector => protection.CreateProtector(SecretPurpose);

    public static bool IsPending(ClaimsPrincipal user) => user.HasClaim(c => c.Type == PendingClaim);

    public static DateTimeOffset? FactorAt(ClaimsPrincipal user) =>
        DateTimeOffset.TryParse(user.FindFirstValue(FactorAtClaim), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary>The same session, no longer pending, with the time its second factor was given (for step-up).</summary>
    public static Task MarkGivenAsync(HttpContext http, DateTimeOffset at)
    {
        var claims = http.User.Claims.Where(c => c.Type is not (PendingClaim or FactorAtClaim)).Select(c => new Claim(c.Type, c.Value)).ToList();
        claims.Add(new Claim(FactorAtClaim, at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        return http.SignInAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme)));
    }

    public static string ThrottleKey(long personId) => "factor:" + personId.ToString(CultureInfo.InvariantCulture);

    public Task<bool> HasFactorAsync(long personId, CancellationToken ct) =>
        db.Accounts.AnyAsync(a => a.PersonId == personId && a.SecondFactorEnabled, ct);

    /// <summary>Whether the person has a confirmed authenticator app (a person with only passkeys has none).</summary>
    public Task<bool> HasAppAsync(long personId, CancellationToken ct) =>
        db.SecondFactors.AnyAsync(f => f.PersonId == personId && f.Kind == SecondFactorKind.Totp && f.ConfirmedAt != null, ct);

    /// <summary>The kinds of confirmed factor the person has, in words: "Authenticator app", "Passkey" or "Authenticator app and passkey".</summary>
    public async Task<string> KindsAsync(long personId, CancellationToken ct)
    {
        var kinds = await db.SecondFactors.AsNoTracking().Where(f => f.PersonId == personId && f.ConfirmedAt != null).Select(f => f.Kind).Distinct().ToListAsync(ct);
        return (kinds.Contains(SecondFactorKind.Totp), kinds.Contains(SecondFactorKind.Passkey)) switch
        {
            (true, true) => "Authenticator app and passkey",
            (false, true) => "Passkey",
            _ => "Authenticator app",
        };
    }

    /// <summary>Whether the person holds a role that must have a second factor: one of <see cref="RequiredRoles"/> or one their trust added.</summary>
    public async Task<bool> RequiredForAsync(long personId, CancellationToken ct)
    {
        var fixedRoles = RequiredRoles;
        return await db.RoleAssignments.AnyAsync(r => r.PersonId == personId
            && (fixedRoles.Contains(r.Role)
                || db.SecondFactorRoles.Any(x => x.Role == r.Role && db.People.Any(p => p.Id == personId && p.TrustId == x.TrustId))), ct);
    }

    /// <summary>
    /// Whether this request must go to enrolment: the person has no factor and holds a role that needs one. One
    /// indexed lookup for everyone with a factor, a second only for those without one.
    /// </summary>
    public async Task<bool> MustEnrolAsync(long personId, CancellationToken ct) =>
        !await HasFactorAsync(personId, ct) && await RequiredForAsync(personId, ct);

    /// <summary>True when the session gave its second factor less than <see cref="StepUpAge"/> ago.</summary>
    public bool IsFresh(ClaimsPrincipal user)
    {
        if (FactorAt(user) is not { } at)
        {
            return false;
        }

        var age = time.GetUtcNow() - at;
        return age >= TimeSpan.Zero && age < StepUpAge;
    }

    /// <summary>
    /// For a restricted record: null when the session may open it now, otherwise where to send it first (the second
    /// factor again, or enrolment for someone who has none), coming back to <paramref name="returnUrl"/>.
    /// </summary>
    public async Task<string?> StepUpAsync(ClaimsPrincipal user, long personId, string returnUrl, CancellationToken ct)
    {
        if (IsFresh(user))
        {
            return null;
        }

        var back = "?returnUrl=" + Uri.EscapeDataString(returnUrl);
        return await HasFactorAsync(personId, ct) ? VerifyPath + back + "&stepUp=true" : EnrolPath + back;
    }

    /// <summary>The person's unconfirmed authenticator factor (made now if there is none), to show as a QR code.</summary>
    public async Task<TotpEnrolment> StartTotpAsync(Person person, CancellationToken ct)
    {
        var factor = await db.SecondFactors.FirstOrDefaultAsync(f => f.PersonId == person.Id && f.Kind == SecondFactorKind.Totp && f.ConfirmedAt == null, ct);
        if (factor is null)
        {
            factor = NewTotp(person.Id, KeyGeneration.GenerateRandomKey(SecretBytes), time.GetUtcNow().UtcDateTime);
            db.SecondFactors.Add(factor);
            await db.SaveChangesAsync(ct);
        }

        var secret = Base32Encoding.ToString(Protector.Unprotect(Convert.FromBase64String(factor.ProtectedSecret!)));
        var uri = $"otpauth://totp/{Uri.EscapeDataString("SafeUse:" + (person.Email ?? person.FullName))}?secret={secret}&issuer=SafeUse&algorithm=SHA1&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(5);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return new TotpEnrolment(Group(secret), uri, start >= 0 ? svg[start..] : svg);
    }

    /// <summary>A new TOTP factor, its secret sealed. Confirmed already when <paramref name="confirmedAt"/> is given (seeding).</summary>
    public SecondFactor NewTotp(long personId, byte[] secret, DateTime now, DateTime? confirmedAt = null, bool demo = false) => new()
    {
        PersonId = personId,
        Kind = SecondFactorKind.Totp,
        Label = "Authenticator app",
        ProtectedSecret = Convert.ToBase64String(Protector.Protect(secret)),
        Demo = demo,
        ConfirmedAt = confirmedAt,
        CreatedAt = now,
    };

    /// <summary>
    /// Confirms the unconfirmed authenticator factor with a code from the app. Returns the ten new recovery codes (the
    /// only time they are seen), or null when the code is not right.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmTotpAsync(Person person, string? code, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = ThrottleKey(person.Id);
        if (await SignInService.IsLockedAsync(db, key, now, ct))
        {
            return null;
        }

        var factor = await db.SecondFactors.FirstOrDefaultAsync(f => f.PersonId == person.Id && f.Kind == SecondFactorKind.Totp && f.ConfirmedAt == null, ct);
        if (factor is null || Normalize(code) is not { Length: 6 } digits || MatchStep(factor, digits, now) is not { } step)
        {
            await FailAsync(person, now, ct);
            return null;
        }

        // The bulk deletes (old recovery codes, the throttle) and the saved changes commit together or not at all.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        factor.ConfirmedAt = now;
        factor.LastUsedAt = now;
        factor.LastTimeStep = step;
        var account = await db.Accounts.FirstAsync(a => a.PersonId == person.Id, ct);
        account.SecondFactorEnabled = true;
        var codes = await ReplaceRecoveryCodesAsync(person.Id, now, ct);
        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.enrolled", "person", person.Id, $"{person.FullName} set up an authenticator app as their second factor");
        await db.SignInThrottles.Where(t => t.Key == key).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return codes;
    }

    /// <summary>
    /// Checks a code from the authenticator app or a recovery code. A TOTP code is accepted for the current time step
    /// or one either side, and only for a step after the last one accepted, so a code seen over a shoulder cannot be
    /// used again. Wrong codes are counted per person and pause the second factor after <see cref="MaxFailures"/>.
    /// </summary>
    public async Task<FactorCheck> VerifyAsync(Person person, string? input, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = ThrottleKey(person.Id);
        if (await SignInService.IsLockedAsync(db, key, now, ct))
        {
            return FactorCheck.Locked;
        }

        var given = Normalize(input);
        var accepted = given is { Length: 6 } && given.All(char.IsAsciiDigit)
            ? await AcceptTotpAsync(person.Id, given, now, ct)
            : given is { Length: CodeLength } && await AcceptRecoveryCodeAsync(person, given, now, ct);
        if (!accepted)
        {
            return await FailAsync(person, now, ct) ? FactorCheck.Locked : FactorCheck.Refused;
        }

        await db.SignInThrottles.Where(t => t.Key == key).ExecuteDeleteAsync(ct);
        return FactorCheck.Accepted;
    }

    /// <summary>New recovery codes in place of the old ones, for someone who has just given their second factor.</summary>
    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(Person person, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var codes = await ReplaceRecoveryCodesAsync(person.Id, now, ct);
        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.recovery-codes", "person", person.Id, $"{person.FullName} made new recovery codes; the old ones no longer work");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return codes;
    }

    public Task<int> RecoveryCodesLeftAsync(long personId, CancellationToken ct) =>
        db.RecoveryCodes.CountAsync(c => c.PersonId == personId && c.UsedAt == null, ct);

    /// <summary>Removes the person's own factors (they have just given one); the caller has checked their roles allow it.</summary>
    public async Task RemoveOwnAsync(Person person, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ClearAsync(person.Id, ct);
        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.removed", "person", person.Id, $"{person.FullName} removed their second factor");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// An administrator resets someone else's second factor (a lost phone): every factor and recovery code goes,
    /// every session of theirs ends, and they are told by email (with no secret in it). Someone whose role needs a
    /// factor sets one up again at their next sign-in.
    /// </summary>
    public async Task ResetAsync(Person person, Actor admin, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ClearAsync(person.Id, ct);
        await SignInService.EndSessionsAsync(db, [person.Id], ct);
        audit.Record(db, admin, "second-factor.reset", "person", person.Id, $"{admin.Name} reset the second factor of {person.FullName}");
        if (person.Email is { } email)
        {
            outbox.Enqueue(db, email, "Your SafeUse second factor was reset",
                $"""
                {admin.Name} reset your second factor in SafeUse: your authenticator app, passkeys and recovery codes no longer work, and you have been signed out.

                If your role needs a second factor, SafeUse will ask you to set one up the next time you sign in.

                If you did not ask for this, tell your school's administrator or data protection officer straight away.
                """);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Whether the person's authenticator is one the demo seeded (so its code may be shown in the demo).</summary>
    public Task<bool> HasDemoFactorAsync(long personId, CancellationToken ct) =>
        db.SecondFactors.AsNoTracking().AnyAsync(f => f.PersonId == personId && f.Demo && f.ConfirmedAt != null && f.Kind == SecondFactorKind.Totp, ct);

    /// <summary>In the demo only: the code a demo account's authenticator would show now (the next one not yet used).</summary>

    public async Task<string?> DemoCodeAsync(long personId, CancellationToken ct)
    {
        var factor = await db.SecondFactors.AsNoTracking().FirstOrDefaultAsync(f => f.PersonId == personId && f.Demo && f.ConfirmedAt != null && f.Kind == SecondFactorKind.Totp, ct);
        if (factor is null)
        {
            return null;
        }

        var totp = new Totp(Protector.Unprotect(Convert.FromBase64String(factor.ProtectedSecret!)));
        var now = time.GetUtcNow().UtcDateTime;
        var step = Step(now);
        var next = Math.Max(step, (factor.LastTimeStep ?? 0) + 1);
        return next > step + 1 ? null : totp.ComputeTotp(DateTime.UnixEpoch.AddSeconds(next * 30));
    }

    public static long Step(DateTime utc) => (long)(utc - DateTime.UnixEpoch).TotalSeconds / 30;

    private async Task ClearAsync(long personId, CancellationToken ct)
    {
        await db.SecondFactors.Where(f => f.PersonId == personId).ExecuteDeleteAsync(ct);
        await db.RecoveryCodes.Where(c => c.PersonId == personId).ExecuteDeleteAsync(ct);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.PersonId == personId, ct);
        account?.SecondFactorEnabled = false;
        await db.SignInThrottles.Where(t => t.Key == ThrottleKey(personId)).ExecuteDeleteAsync(ct);
    }

    private long? MatchStep(SecondFactor factor, string code, DateTime now)
    {
        var totp = new Totp(Protector.Unprotect(Convert.FromBase64String(factor.ProtectedSecret!)));
        // One step either side of now: a phone's clock a little out, or a code typed as it changed.
        return totp.VerifyTotp(now, code, out var step, new VerificationWindow(previous: 1, future: 1)) && step > (factor.LastTimeStep ?? -1) ? step : null;
    }

    private async Task<bool> AcceptTotpAsync(long personId, string code, DateTime now, CancellationToken ct)
    {
        var factors = await db.SecondFactors.AsNoTracking().Where(f => f.PersonId == personId && f.Kind == SecondFactorKind.Totp && f.ConfirmedAt != null).ToListAsync(ct);
        foreach (var factor in factors)
        {
            if (MatchStep(factor, code, now) is not { } step)
            {
                continue;
            }

            // Conditional on the step still being newer, so two requests racing with one code cannot both win.
            var updated = await db.SecondFactors.Where(f => f.Id == factor.Id && (f.LastTimeStep == null || f.LastTimeStep < step))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastTimeStep, step).SetProperty(f => f.LastUsedAt, now), ct);
            return updated == 1;
        }

        return false;
    }

    private async Task<bool> AcceptRecoveryCodeAsync(Person person, string code, DateTime now, CancellationToken ct)
    {
        var unused = await db.RecoveryCodes.AsNoTracking().Where(c => c.PersonId == person.Id && c.UsedAt == null).ToListAsync(ct);
        var match = unused.FirstOrDefault(c => CodeMatches(c.Hash, code));
        if (match is null)
        {
            return false;
        }

        var updated = await db.RecoveryCodes.Where(c => c.Id == match.Id && c.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        if (updated == 1)
        {
            audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.recovery-code-used", "person", person.Id,
                $"{person.FullName} used a recovery code ({unused.Count - 1} left)");
            await db.SaveChangesAsync(ct);
        }

        return updated == 1;
    }

    /// <summary>Counts a wrong code and puts it on the audit trail; true when it has paused the person's second factor.</summary>
    private async Task<bool> FailAsync(Person person, DateTime now, CancellationToken ct)
    {
        var key = ThrottleKey(person.Id);
        await SignInService.CountFailureAsync(db, key, MaxFailures, now, ct);
        var locked = await SignInService.IsLockedAsync(db, key, now, ct);
        // The log says only that it happened (who is on the audit trail, which is kept with the other personal data).
        LogRefused(logger, locked);
        audit.Record(db, new Actor(person.Id, person.FullName), locked ? "second-factor.locked" : "second-factor.refused", "person", person.Id,
            locked ? $"Second factor paused for {SignInService.Window.TotalMinutes:0} minutes after {MaxFailures} wrong codes" : "A wrong second-factor code was given");
        await db.SaveChangesAsync(ct);
        return locked;
    }

    /// <summary>Ten new recovery codes in place of the person's old ones, added to the unit of work (the caller saves, in its transaction).</summary>
    internal async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(long personId, DateTime now, CancellationToken ct)
    {
        await db.RecoveryCodes.Where(c => c.PersonId == personId).ExecuteDeleteAsync(ct);
        var codes = new List<string>(RecoveryCodeCount);
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            var raw = RandomNumberGenerator.GetString(CodeAlphabet, CodeLength);
            codes.Add(raw[..5] + "-" + raw[5..]);
            db.RecoveryCodes.Add(new RecoveryCode { PersonId = personId, Hash = HashCode(raw), CreatedAt = now });
        }

        return codes;
    }

    /// <summary>PBKDF2-SHA256 with a salt of its own: "v1$salt$hash", both Base64.</summary>
    public static string HashCode(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, CodeIterations, HashAlgorithmName.SHA256, 32);
        return $"v1${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    private static bool CodeMatches(string stored, string code)
    {
        var parts = stored.Split('$');
        if (parts is not ["v1", var salt, var hash])
        {
            return false;
        }

        var computed = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), Convert.FromBase64String(salt), CodeIterations, HashAlgorithmName.SHA256, 32);
        return CryptographicOperations.FixedTimeEquals(computed, Convert.FromBase64String(hash));
    }

    /// <summary>Spaces and dashes out, upper case: "123 456" and "abcde-fghjk" are read as typed on paper.</summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var sb = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (!char.IsWhiteSpace(c) && c != '-')
            {
                sb.Append(char.ToUpperInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static string Group(string secret) =>
        string.Join(' ', Enumerable.Range(0, (secret.Length + 3) / 4).Select(i => secret.Substring(i * 4, Math.Min(4, secret.Length - (i * 4)))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A second-factor code was refused (paused: {Paused})")]
    private static partial void LogRefused(ILogger logger, bool paused);
}
