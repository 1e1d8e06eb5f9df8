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

    public static string Compute(AuditEvent e)
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>PostgreSQL keeps microseconds; hashing at that precision makes the chain verify after a round trip.</summary>
    public static DateTime TruncateToMicroseconds(DateTime t) => new(t.Ticks - (t.Ticks % 10), DateTimeKind.Utc);

    public static async Task<AuditVerification> VerifyAsync(AppDbContext db, CancellationToken ct)
    {
        var expectedPrev = Genesis;
        long expectedSeq = 1;
        long checkedCount = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Seq != expectedSeq)
            {
                return new(false, checkedCount, e.Seq, $"event {expectedSeq} is missing (the chain jumps from {expectedSeq - 1} to {e.Seq})");
            }

            if (e.PrevHash != expectedPrev)
            {
                return new(false, checkedCount, e.Seq, $"event {e.Seq} does not link to event {e.Seq - 1}: an event before it was changed or removed");
            }

            if (Compute(e) != e.Hash)
            {
                return new(false, checkedCount, e.Seq, $"event {e.Seq} was changed after it was written: its hash does not match its content");
            }

            expectedPrev = e.Hash;
            expectedSeq++;
            checkedCount++;
        }

        return new(true, checkedCount, null, checkedCount == 0 ? "the audit trail is empty" : $"all {checkedCount} events link correctly");
    }
}

internal sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenSeq, string Message);
