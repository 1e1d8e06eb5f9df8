using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

/// <summary>Why a single sign-on ended without signing anyone in; each has its own page (<c>/account/sso/problem</c>).</summary>
internal enum SsoRefusal
{
    /// <summary>The provider is not configured, or the person's trust has not turned it on.</summary>
    Off,

    /// <summary>An Entra id token from a tenant (<c>tid</c>) the trust has not allowed.</summary>
    WrongTenant,

    /// <summary>A Google id token from a Workspace domain (<c>hd</c>) the trust has not allowed, or a personal Google account.</summary>
    WrongDomain,

    /// <summary>The provider does not vouch for the email address (Google's <c>email_verified</c>), or gave none.</summary>
    UnverifiedEmail,

    /// <summary>Nobody in SafeUse has this account linked or this work email.</summary>
    Unknown,

    Leaver,

    /// <summary>The person already has another account of this provider linked.</summary>
    OtherAccountLinked,

    /// <summary>The sign-in's state was missing, already used or not this browser's (a replayed or forged callback).</summary>
    State,

    /// <summary>The id token failed its checks (signature, issuer, audience, expiry, nonce), or the provider returned an error.</summary>
    Token,

    /// <summary>The provider could not be reached.</summary>
    Unreachable,
}

internal sealed record SsoResult(Person? Person, SsoRefusal? Refusal, DateTimeOffset? FactorAt);

/// <summary>
/// Decides who a provider's id token signs in: only someone already in SafeUse and not a leaver, found by the link
/// (provider and subject) or, the first time, by a work email the provider vouches for, from a tenant or Workspace domain
/// the person's trust allows. Never creates a person; creates their account row, as an emailed link does.
/// </summary>
internal sealed class SsoSignIn(AppDbContext db, TimeProvider time, AuditTrail audit, Microsoft.Extensions.Options.IOptions<SsoOptions> options)
{
    public async Task<SsoResult> MatchAsync(string provider, ClaimsPrincipal token, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var subject = token.FindFirstValue("sub");
        if (!SsoProviders.IsKnown(provider) || !options.Value.For(provider).IsConfigured || string.IsNullOrEmpty(subject))
        {
            return Refused(SsoRefusal.Off);
        }

        // Tenant or domain first, against every trust that has the provider on, so someone from outside learns
        // nothing about who is in SafeUse; then again below against the person's own trust.
        var claim = provider == SsoProviders.Microsoft ? token.FindFirstValue("tid") : token.FindFirstValue("hd");
        var trusts = await db.SsoSettings.AsNoTracking().ToListAsync(ct);
        if (!trusts.Any(t => t.IsOn(provider)))
        {
            return Refused(SsoRefusal.Off);
        }

        if (!trusts.Any(t => t.IsOn(provider) && Allowed(t, provider, claim)))
        {
            return Refused(provider == SsoProviders.Microsoft ? SsoRefusal.WrongTenant : SsoRefusal.WrongDomain);
        }

        var label = SsoProviders.Label(provider);
        var link = await db.ExternalLogins.FirstOrDefaultAsync(l => l.Provider == provider && l.Subject == subject, ct);
        Person? person;
        if (link is not null)
        {
            person = await db.People.FirstOrDefaultAsync(p => p.Id == link.PersonId, ct);
        }
        else
        {
            var email = provider == SsoProviders.Microsoft ? MicrosoftEmails(token) : GoogleEmail(token);
            if (email.Count != 1)
            {
                return Refused(SsoRefusal.UnverifiedEmail);
            }

            // Only a current member of staff is linked: a leaver's address may belong to someone new next year.
            var matches = await db.People.Where(p => p.EmailNormalized != null && email.Contains(p.EmailNormalized)).ToListAsync(ct);
            person = matches.FirstOrDefault(p => !p.IsLeaver) ?? matches.FirstOrDefault();
        }

        if (person is null)
        {
            return Refused(SsoRefusal.Unknown);
        }

        var settings = trusts.FirstOrDefault(t => t.TrustId == person.TrustId);
        var refusal = settings is null || !settings.IsOn(provider) ? SsoRefusal.Off
            : !Allowed(settings, provider, claim) ? (provider == SsoProviders.Microsoft ? SsoRefusal.WrongTenant : SsoRefusal.WrongDomain)
            : person.IsLeaver ? SsoRefusal.Leaver
            : link is null && await db.ExternalLogins.AnyAsync(l => l.PersonId == person.Id && l.Provider == provider, ct) ? SsoRefusal.OtherAccountLinked
            : (SsoRefusal?)null;
        var actor = new Actor(person.Id, person.FullName);
        if (refusal is { } why)
        {
            audit.Record(db, actor, "account.sso-refused", "person", person.Id, $"Sign-in with {label} refused: {Describe(why)}");
            await db.SaveChangesAsync(ct);
            return Refused(why);
        }

        if (link is null)
        {
            db.ExternalLogins.Add(new ExternalLogin
            {
                PersonId = person.Id, Provider = provider, Subject = subject, Email = person.Email, CreatedAt = now.UtcDateTime, LastUsedAt = now.UtcDateTime,
            });
            audit.Record(db, actor, "account.sso-linked", "person", person.Id, $"{label} account linked to {person.FullName} by their work email");
        }
        else
        {
            link.LastUsedAt = now.UtcDateTime;
        }

        var account = await db.Accounts.FirstOrDefaultAsync(a => a.PersonId == person.Id, ct);
        if (account is null)
        {
            db.Accounts.Add(new Account { PersonId = person.Id, SecurityStamp = SignInService.NewStamp(), CreatedAt = now.UtcDateTime, LastSignInAt = now.UtcDateTime });
        }
        else
        {
            account.LastSignInAt = now.UtcDateTime;
        }

        var mfa = token.FindAll("amr").Any(c => c.Value == "mfa") || settings!.Enforces(provider);
        // The second factor was given when the person authenticated at the provider (auth_time), which may be long before
        // a silent sign-in now: its age, not this moment's, decides when a restricted record asks again.
        var factorAt = !mfa ? (DateTimeOffset?)null
            : long.TryParse(token.FindFirstValue("auth_time"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var authTime)
                ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(authTime, now.ToUnixTimeSeconds()))
                : now;
        audit.Record(db, actor, "account.sign-in", "person", person.Id, $"Signed in with {label}" + (mfa ? " (second factor given there)" : ""));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // The same first sign-in's answer posted twice at once (a double click on the provider's page): one links.
            return Refused(SsoRefusal.State);
        }

        return new SsoResult(person, null, factorAt);
    }

    public static string Describe(SsoRefusal refusal) => refusal switch
    {
        SsoRefusal.Off => "this way of signing in is not turned on",
        SsoRefusal.WrongTenant => "the Microsoft account is not in one of the trust's tenants",
        SsoRefusal.WrongDomain => "the Google account is not in one of the trust's Google Workspace domains",
        SsoRefusal.UnverifiedEmail => "the provider did not confirm the email address",
        SsoRefusal.Unknown => "nobody in SafeUse has this email address",
        SsoRefusal.Leaver => "the person is marked as a leaver",
        SsoRefusal.OtherAccountLinked => "another account of this provider is already linked",
        SsoRefusal.State => "the sign-in had expired or had already been used",
        SsoRefusal.Token => "the provider's answer did not pass its checks",
        _ => "the provider could not be reached",
    };

    private static SsoResult Refused(SsoRefusal refusal) => new(null, refusal, null);

    private static bool Allowed(SsoSetting settings, string provider, string? value) =>
        value is { Length: > 0 } && settings.Allowed(provider).Contains(value.ToLowerInvariant());

    /// <summary>
    /// Entra's work address for the account: its sign-in name (<c>preferred_username</c>, or <c>upn</c>), whose domain
    /// must be one the tenant has verified, never the <c>email</c> claim, which a tenant's administrator can set to any
    /// address (the "nOAuth" takeover). Guest accounts (<c>#EXT#</c>) are not matched. Two different names give none.
    /// Entra has no <c>email_verified</c>; the tenant check (done after, against the person's trust) is what vouches.
    /// </summary>
    private static List<string> MicrosoftEmails(ClaimsPrincipal token) =>
        new[] { token.FindFirstValue("preferred_username"), token.FindFirstValue("upn") }
            .Select(Person.Normalize).OfType<string>()
            .Where(e => e.Contains('@', StringComparison.Ordinal) && !e.Contains("#ext#", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Google's email, only when Google says it is verified.</summary>
    private static List<string> GoogleEmail(ClaimsPrincipal token) =>
        string.Equals(token.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase) && Person.Normalize(token.FindFirstValue("email")) is { } email
            ? [email] : [];
}
