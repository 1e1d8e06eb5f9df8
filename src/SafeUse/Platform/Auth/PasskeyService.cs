using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Auth;

/// <summary>
/// The WebAuthn relying party: its id (a domain) and the one origin passkeys are made for and used from. Both come
/// from <c>SafeUse:PublicUrl</c>, never from a request's Host header, which a client can forge.
/// </summary>
internal sealed record RelyingParty(string Id, string Origin)
{
    /// <summary>
    /// The relying party for SafeUse's public address, or null when passkeys cannot work there: browsers refuse an IP
    /// address as a relying party id, and offer WebAuthn only to secure contexts (https, or http on localhost).
    /// </summary>
    public static RelyingParty? From(string? publicUrl)
    {
        if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns)
        {
            return null;
        }

        var localhost = uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && localhost)
            ? new RelyingParty(uri.IdnHost.ToLowerInvariant(), uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant())
            : null;
    }
}

/// <summary>A passkey as the person's own pages list it.</summary>
internal sealed record PasskeySummary(long Id, string Label, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary>What a passkey registration came to: refused (with why), or added, with recovery codes when it was the first factor.</summary>
internal sealed record PasskeyRegistration(bool Added, IReadOnlyList<string>? RecoveryCodes);

/// <summary>
/// Passkeys and security keys (WebAuthn, with Fido2): registering one as a second factor, using one as the second
/// factor (prompt and step-up), and signing in with one without a password (a discoverable credential).
/// </summary>
/// <remarks>
/// User verification (a PIN, fingerprint or face on the authenticator) is required every time, so a passkey is two
/// factors in itself: something held and something known or been. That is why a passkey sign-in satisfies the second
/// factor on its own. No attestation is asked for: SafeUse does not restrict which authenticators staff may use.
/// </remarks>
internal sealed partial class PasskeyService(AppDbContext db, TimeProvider time, AuditTrail audit, SecondFactorService factors, IOptions<SignOffOptions> options, ILogger<PasskeyService> logger, Outbox.Outbox outbox)
{
    /// <summary>The cookie carrying the id of the browser's ceremony in progress (only the id: the challenge stays on the server).</summary>
    public const string CookieName = "safeuse-passkey";

    public const string Register = "register";
    public const string Verify = "verify";
    public const string SignIn = "sign-in";

    /// <summary>How long a browser has to answer a challenge: time to find a security key and touch it, and no more.</summary>
    public static readonly TimeSpan CeremonyLifetime = TimeSpan.FromMinutes(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public RelyingParty? Party => RelyingParty.From(options.Value.PublicUrl);

    public bool Available => Party is not null;

    public Task<List<PasskeySummary>> ListAsync(long personId, CancellationToken ct) =>
        db.SecondFactors.AsNoTracking().Where(f => f.PersonId == personId && f.Kind == SecondFactorKind.Passkey && f.ConfirmedAt != null)
            .OrderBy(f => f.Id).Select(f => new PasskeySummary(f.Id, f.Label, f.CreatedAt, f.LastUsedAt)).ToListAsync(ct);

    /// <summary>Creation options for a new passkey of this person (its challenge kept server-side), as the JSON the browser's script reads.</summary>
    public async Task<string> StartRegistrationAsync(HttpContext http, Person person, CancellationToken ct)
    {
        var party = Party ?? throw new InvalidOperationException("Passkeys are not available at this address.");
        var existing = await db.SecondFactors.AsNoTracking().Where(f => f.PersonId == person.Id && f.Kind == SecondFactorKind.Passkey).ToListAsync(ct);
        // The same handle for all of a person's passkeys, so an authenticator keeps one account for them, not one per key.
        var handle = existing.Select(f => f.UserHandle).FirstOrDefault(h => h is not null) ?? RandomNumberGenerator.GetBytes(32);
        var request = Fido(party).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = handle, Name = person.Email ?? person.FullName, DisplayName = person.FullName },
            ExcludeCredentials = existing.Where(f => f.CredentialId is not null).Select(f => new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(f.CredentialId))).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                // Preferred, not required: a security key with no room left still works as a second factor.
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = request.ToJson();
        await SaveCeremonyAsync(http, Register, person.Id, json, ct);
        return json;
    }

    /// <summary>
    /// Checks the browser's answer to <see cref="StartRegistrationAsync"/> and keeps the passkey. For the person's first
    /// factor, the second factor is turned on and ten recovery codes are made (returned to be shown once).
    /// </summary>
    public async Task<PasskeyRegistration> FinishRegistrationAsync(HttpContext http, Person person, string? response, string? name, CancellationToken ct)
    {
        var party = Party;
        var original = await TakeCeremonyAsync(http, Register, person.Id, ct);
        var attestation = Parse<AuthenticatorAttestationRawResponse>(response);
        if (party is null || original is null || attestation is null)
        {
            return await RefusedRegistrationAsync(person, "no challenge or answer", ct);
        }

        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await Fido(party).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = attestation,
                OriginalOptions = CredentialCreateOptions.FromJson(original),
                IsCredentialIdUniqueToUserCallback = async (args, token) =>
                {
                    var id = Base64Url.EncodeToString(args.CredentialId);
                    return !await db.SecondFactors.AnyAsync(f => f.CredentialId == id, token);
                },
            }, ct);
        }
        catch (Exception ex) when (ex is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException or CryptographicException or NotSupportedException)
        {
            return await RefusedRegistrationAsync(person, ex.GetType().Name, ct);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var label = string.IsNullOrWhiteSpace(name) ? "Passkey" : name.Trim()[..Math.Min(name.Trim().Length, 100)];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecondFactors.Add(new SecondFactor
        {
            PersonId = person.Id,
            Kind = SecondFactorKind.Passkey,
            Label = label,
            CredentialId = Base64Url.EncodeToString(credential.Id),
            PublicKey = credential.PublicKey,
            SignCount = credential.SignCount,
            UserHandle = credential.User.Id,
            Aaguid = credential.AaGuid.ToString(),
            Transports = credential.Transports is { Length: > 0 } t ? string.Join(',', t.Select(x => x.ToString().ToLowerInvariant())) : null,
            BackupEligible = credential.IsBackupEligible,
            BackedUp = credential.IsBackedUp,
            ConfirmedAt = now,
            LastUsedAt = now,
            CreatedAt = now,
        });
        var account = await db.Accounts.FirstAsync(a => a.PersonId == person.Id, ct);
        IReadOnlyList<string>? codes = null;
        if (!account.SecondFactorEnabled)
        {
            account.SecondFactorEnabled = true;
            codes = await factors.ReplaceRecoveryCodesAsync(person.Id, now, ct);
        }

        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-added", "person", person.Id,
            $"{person.FullName} added a passkey (\"{label}\")" + (codes is null ? "" : " as their second factor"));
        if (person.Email is { } email)
        {
            // A passkey signs in on its own: someone who got into the account must not be able to add one unnoticed.
            outbox.Enqueue(db, email, "A passkey was added to your SafeUse account",
                $"""
                A passkey was added to your SafeUse account. It can be used to sign in without your password.

                If this was you, there is nothing to do. If it was not, sign in, remove it on your "Sign-in and security" page, sign out everywhere from "Your sessions", and tell your school's administrator or data protection officer straight away.
                """);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new PasskeyRegistration(true, codes);
    }

    /// <summary>
    /// Request options for using a passkey: a signed-in person's own passkeys (<see cref="Verify"/>), or any passkey
    /// the authenticator holds for SafeUse (<see cref="SignIn"/>, nobody known yet).
    /// </summary>
    public async Task<string> StartAssertionAsync(HttpContext http, string purpose, long? personId, CancellationToken ct)
    {
        var party = Party ?? throw new InvalidOperationException("Passkeys are not available at this address.");
        List<PublicKeyCredentialDescriptor> allowed = [];
        if (personId is { } id)
        {
            var ids = await db.SecondFactors.AsNoTracking().Where(f => f.PersonId == id && f.Kind == SecondFactorKind.Passkey && f.ConfirmedAt != null)
                .Select(f => f.CredentialId!).ToListAsync(ct);
            allowed = ids.Select(c => new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(c))).ToList();
        }

        var request = Fido(party).GetAssertionOptions(new GetAssertionOptionsParams { AllowedCredentials = allowed, UserVerification = UserVerificationRequirement.Required });
        var json = request.ToJson();
        await SaveCeremonyAsync(http, purpose, personId, json, ct);
        return json;
    }

    /// <summary>
    /// Checks the browser's answer to <see cref="StartAssertionAsync"/>: the challenge (once, in time, this browser's),
    /// origin, relying party, user verification, signature and counter; and that the passkey's owner may sign in
    /// (has an account, is not a leaver) and, for <see cref="Verify"/>, is the signed-in person. Returns the owner, or null.
    /// </summary>
    public async Task<Person?> FinishAssertionAsync(HttpContext http, string purpose, long? personId, string? response, CancellationToken ct)
    {
        var party = Party;
        var original = await TakeCeremonyAsync(http, purpose, personId, ct);
        var assertion = Parse<AuthenticatorAssertionRawResponse>(response);
        if (party is null || original is null || assertion?.RawId is not { Length: > 0 } rawId)
        {
            LogRefused(logger, purpose, "no challenge or answer");
            return null;
        }

        var credentialId = Base64Url.EncodeToString(rawId);
        var factor = await db.SecondFactors.AsNoTracking().FirstOrDefaultAsync(f => f.CredentialId == credentialId && f.Kind == SecondFactorKind.Passkey && f.ConfirmedAt != null, ct);
        var person = factor is null ? null
            : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == factor.PersonId && !p.IsLeaver && db.Accounts.Any(a => a.PersonId == p.Id), ct);
        if (factor is null || person is null || (personId is { } expected && factor.PersonId != expected))
        {
            // Unknown, a leaver's, or someone else's: nothing is said about which, and nobody's trail is written to.
            LogRefused(logger, purpose, "credential not usable here");
            return null;
        }

        VerifyAssertionResult result;
        try
        {
            result = await Fido(party).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = assertion,
                OriginalOptions = AssertionOptions.FromJson(original),
                StoredPublicKey = factor.PublicKey!,
                // The counter is checked below rather than by Fido2, so a key that may be cloned is told apart and audited.
                StoredSignatureCounter = 0,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(factor.UserHandle is not null && args.UserHandle.AsSpan().SequenceEqual(factor.UserHandle)),
            }, ct);
        }
        catch (Exception ex) when (ex is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException or CryptographicException)
        {
            LogRefused(logger, purpose, ex.GetType().Name);
            audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-refused", "person", person.Id, $"A passkey of {person.FullName} (\"{factor.Label}\") was not accepted");
            await db.SaveChangesAsync(ct);
            return null;
        }

        // WebAuthn §7.2 step 21: a counter that does not go up (when the authenticator keeps one: zero throughout means it
        // does not) means two copies of the private key are in use. Once a key has counted, zero is going back too, so
        // a copy cannot turn the check off. The passkey stays, but this use is refused.
        var now = time.GetUtcNow().UtcDateTime;
        if ((result.SignCount != 0 || factor.SignCount != 0) && result.SignCount <= factor.SignCount)
        {
            LogCloned(logger);
            audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-cloned", "person", person.Id,
                $"A passkey of {person.FullName} (\"{factor.Label}\") was refused: its signature counter went back ({result.SignCount} after {factor.SignCount}), so it may have been copied");
            await db.SaveChangesAsync(ct);
            return null;
        }

        // Conditional on the counter being as read, so two requests racing with one assertion cannot both win.
        var updated = await db.SecondFactors.Where(f => f.Id == factor.Id && f.SignCount == factor.SignCount)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.SignCount, (long)result.SignCount).SetProperty(f => f.LastUsedAt, now).SetProperty(f => f.BackedUp, result.IsBackedUp), ct);
        if (updated != 1)
        {
            LogRefused(logger, purpose, "counter changed meanwhile");
            return null;
        }

        if (purpose == SignIn)
        {
            await db.Accounts.Where(a => a.PersonId == person.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSignInAt, now).SetProperty(a => a.FailedCount, 0), ct);
            audit.Record(db, new Actor(person.Id, person.FullName), "account.sign-in", "person", person.Id, $"Signed in with a passkey (\"{factor.Label}\")");
        }
        else
        {
            audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-used", "person", person.Id, $"{person.FullName} gave their second factor with a passkey (\"{factor.Label}\")");
        }

        await db.SaveChangesAsync(ct);
        return person;
    }

    /// <summary>
    /// Removes one of the person's passkeys. Removing their last factor turns the second factor off (recovery codes
    /// too), and is refused when their role needs one: false then.
    /// </summary>
    public async Task<bool> RemoveAsync(Person person, long factorId, CancellationToken ct)
    {
        var factor = await db.SecondFactors.FirstOrDefaultAsync(f => f.Id == factorId && f.PersonId == person.Id && f.Kind == SecondFactorKind.Passkey, ct);
        if (factor is null)
        {
            return false;
        }

        var others = await db.SecondFactors.CountAsync(f => f.PersonId == person.Id && f.Id != factorId && f.ConfirmedAt != null, ct);
        if (others == 0)
        {
            if (await factors.RequiredForAsync(person.Id, ct))
            {
                return false;
            }

            await factors.RemoveOwnAsync(person, ct);
            return true;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecondFactors.Remove(factor);
        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-removed", "person", person.Id, $"{person.FullName} removed a passkey (\"{factor.Label}\")");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private Fido2 Fido(RelyingParty party) => new(new Fido2Configuration
    {
        RPID = party.Id,
        RPName = "SafeUse",
        Origins = new HashSet<string> { party.Origin },
        Timeout = (uint)CeremonyLifetime.TotalMilliseconds,
    }, null);

    private async Task<PasskeyRegistration> RefusedRegistrationAsync(Person person, string why, CancellationToken ct)
    {
        LogRefused(logger, Register, why);
        audit.Record(db, new Actor(person.Id, person.FullName), "second-factor.passkey-refused", "person", person.Id, $"A new passkey of {person.FullName} was not accepted");
        await db.SaveChangesAsync(ct);
        return new PasskeyRegistration(false, null);
    }

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    private async Task SaveCeremonyAsync(HttpContext http, string purpose, long? personId, string optionsJson, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        // Ceremonies nobody finished are dropped here rather than by a clock: a few rows at most, gone on the next start.
        await db.PasskeyCeremonies.Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct);
        db.PasskeyCeremonies.Add(new PasskeyCeremony { Id = Hash(id), Purpose = purpose, PersonId = personId, Options = optionsJson, ExpiresAt = now + CeremonyLifetime });
        await db.SaveChangesAsync(ct);
        http.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/account",
            MaxAge = CeremonyLifetime,
            IsEssential = true,
        });
    }

    /// <summary>The options of this browser's ceremony, deleted as they are read so each challenge is answered once; null when none is live.</summary>
    private async Task<string?> TakeCeremonyAsync(HttpContext http, string purpose, long? personId, CancellationToken ct)
    {
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account" });
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } id)
        {
            return null;
        }

        var key = Hash(id);
        var ceremony = await db.PasskeyCeremonies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == key, ct);
        // Deleted first, whatever the answer: a wrong answer cannot be followed by another try at the same challenge.
        var deleted = await db.PasskeyCeremonies.Where(c => c.Id == key).ExecuteDeleteAsync(ct);
        return ceremony is not null && deleted == 1 && ceremony.Purpose == purpose && ceremony.PersonId == personId && ceremony.ExpiresAt > time.GetUtcNow().UtcDateTime
            ? ceremony.Options
            : null;
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    // Logs say only what happened, never whose passkey or which (that is on the audit trail, kept with the personal data).
    [LoggerMessage(Level = LogLevel.Warning, Message = "A passkey was refused ({Purpose}: {Reason})")]
    private static partial void LogRefused(ILogger logger, string purpose, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A passkey was refused because its signature counter went back: it may have been copied (see the audit trail)")]
    private static partial void LogCloned(ILogger logger);
}
