using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Audit;

internal static class AuditChain
{
    /// <summary>The hash that the first event links back to.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// The event's hash: an HMAC-SHA256 with the audit key when the event is keyed (<see cref="AuditEvent.KeyId"/>
    /// set), else the plain SHA-256 that events written before the key carry.
    /// </summary>
    public static string Compute(AuditEvent e, AuditKeyMaterial? key = null)
    {
        var preimage = Preimage(e);
        if (e.KeyId is null)
        {
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(preimage)));
        }

        if (key is null || key.Id != e.KeyId)
        {
            throw new AuditKeyException($"Event {e.Seq} was made with audit key {e.KeyId}, which is not the key given.");
        }

        return key.Mac(preimage);
    }

    private static string Preimage(AuditEvent e)
    {
        // Fields are joined with a unit separator and each is length-prefixed, so no two different events share a preimage.
        var sb = new StringBuilder();
        void Add(string? value) => sb.Append(value?.Length.ToString(CultureInfo.InvariantCulture) ?? "-").Append(':').Append(value).Append('\u001f');
        Add(e.PrevHash);
        Add(e.Seq.ToString(CultureInfo.InvariantCulture));
        Add(TruncateToMicroseconds(e.At).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
        Add(e.ActorPersonId?.ToString(CultureInfo.InvariantCulture));
        Add(e.ActorName);
        Add(e.Action);
        Add(e.EntityType);
        Add(e.EntityId);
        Add(e.SchoolId?.ToString(CultureInfo.InvariantCulture));
        Add(e.Summary);
        Add(e.Before);
        Add(e.After);
        // Legacy events end here, so their hashes are unchanged; a keyed event also binds the key it names.
        if (e.KeyId is not null)
        {
            Add(e.KeyId);
        }

        return sb.ToString();
    }

    /// <summary>PostgreSQL keeps microseconds; hashing at that precision makes the chain verify after a round trip.</summary>
    public static DateTime TruncateToMicroseconds(DateTime t) => new(t.Ticks - (t.Ticks % 10), DateTimeKind.Utc);

    public static Task<AuditVerification> VerifyAsync(AppDbContext db, CancellationToken ct) =>
        AuditVerifier.VerifyAsync(db, db.AuditKey, [], ct);
}

/// <summary>A saved head: event <paramref name="Seq"/> had hash <paramref name="Hash"/> when it was saved.</summary>
internal sealed record AuditHead(long Seq, string Hash)
{
    public override string ToString() => $"{Seq.ToString(CultureInfo.InvariantCulture)}:{Hash}";

    /// <summary>Reads <c>N:HASH</c> (also the <c>audit head</c> line <c>N:HASH TIME</c>); null when it is not one.</summary>
    public static AuditHead? Parse(string text)
    {
        var token = text.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !long.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return null;
        }

        var hash = token[(colon + 1)..].ToLowerInvariant();
        return hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower)
            ? new AuditHead(seq, hash)
            : null;
    }
}

internal sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenSeq, string Message, IReadOnlyList<string> Problems, bool KeyMissing = false)
{
    public AuditVerification(bool ok, long @checked, long? firstBrokenSeq, string message)
        : this(ok, @checked, firstBrokenSeq, message, ok ? [] : [message])
    {
    }
}
