using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Audit;

/// <summary>
/// Checks the audit trail and the evidence it vouches for: every link of the chain (HMAC with the key from the
/// key file for keyed events, SHA-256 for those written before it), that no event the key file or a saved head
/// knows of is gone, and that each signature and each published version's text matches the event that recorded it.
/// </summary>
internal static class AuditVerifier
{
    // Problems after the first few add little to a report a person reads.
    private const int MaxProblems = 20;

    public static async Task<AuditVerification> VerifyAsync(AppDbContext db, AuditKey keyFile, IReadOnlyList<AuditHead> heads, CancellationToken ct)
    {
        AuditKeyMaterial? key;
        try
        {
            key = keyFile.TryLoad();
        }
        catch (AuditKeyException ex)
        {
            return new(false, 0, null, ex.Message, [ex.Message], KeyMissing: true);
        }

        var wanted = heads.GroupBy(h => h.Seq).ToDictionary(g => g.Key, g => g.ToList());
        var seen = new Dictionary<long, string>();
        var signed = new Dictionary<string, (long Seq, string? After)>(StringComparer.Ordinal);
        var published = new Dictionary<string, (long Seq, string? After)>(StringComparer.Ordinal);

        var expectedPrev = AuditChain.Genesis;
        long expectedSeq = 1;
        long checkedCount = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Seq != expectedSeq)
            {
                return Broken(checkedCount, e.Seq, $"event {expectedSeq} is missing (the chain jumps from {expectedSeq - 1} to {e.Seq})");
            }

            if (e.PrevHash != expectedPrev)
            {
                return Broken(checkedCount, e.Seq, $"event {e.Seq} does not link to event {e.Seq - 1}: an event before it was changed or removed");
            }

            if (e.KeyId is null)
            {
                if (key is not null && e.Seq >= key.KeyedFrom)
                {
                    return Broken(checkedCount, e.Seq,
                        $"event {e.Seq} has no HMAC, but every event from {key.KeyedFrom} on was written with the audit key: it was rewritten by someone without the key");
                }
            }
            else if (key is null)
            {
                var message = $"event {e.Seq} was written with audit key {e.KeyId}, and there is no key file at {keyFile.Path}: restore the key file (or set SafeUse:AuditKeyFile) to check keyed events";
                return new(false, checkedCount, e.Seq, message, [message], KeyMissing: true);
            }
            else if (e.KeyId != key.Id)
            {
                return Broken(checkedCount, e.Seq,
                    $"event {e.Seq} names audit key {e.KeyId}, but the key file {keyFile.Path} holds key {key.Id}: it is the wrong key file, or the event was forged");
            }

            if (AuditChain.Compute(e, key) != e.Hash)
            {
                return Broken(checkedCount, e.Seq, $"event {e.Seq} was changed after it was written: its hash does not match its content");
            }

            if (wanted.ContainsKey(e.Seq))
            {
                seen[e.Seq] = e.Hash;
            }

            if (e.Action == "policy.signed" && e.EntityId is not null)
            {
                signed[e.EntityId] = (e.Seq, e.After);
            }
            else if (e.Action == "policy.version-published" && e.EntityId is not null)
            {
                published[e.EntityId] = (e.Seq, e.After);
            }

            expectedPrev = e.Hash;
            expectedSeq++;
            checkedCount++;
        }

        var last = expectedSeq - 1;
        var problems = new List<string>();
        if (key is not null && last < key.KeyedFrom - 1)
        {
            problems.Add($"the chain ends at event {last}, but events up to {key.KeyedFrom - 1} existed when the audit key was made: the newest events were removed");
        }

        foreach (var (seq, saved) in wanted.OrderBy(w => w.Key))
        {
            foreach (var head in saved.DistinctBy(h => h.Hash))
            {
                if (seq == 0)
                {
                    if (head.Hash != AuditChain.Genesis)
                    {
                        problems.Add($"saved head {head} is not a real event (event 0 can only be the empty chain's {AuditChain.Genesis[..8]}...)");
                    }
                }
                else if (!seen.TryGetValue(seq, out var hash))
                {
                    problems.Add($"saved head {head}: event {seq} is missing (the chain ends at event {last}): the newest events were removed");
                }
                else if (hash != head.Hash)
                {
                    problems.Add($"saved head {head}: event {seq} now has hash {hash}: the chain was rewritten from that event or before it");
                }
            }
        }

        await CheckEvidenceAsync(db, signed, published, problems, ct);
        if (problems.Count > 0)
        {
            return new(false, checkedCount, null, problems[0], problems.Take(MaxProblems).ToList());
        }

        var anchored = heads.Count == 0 ? "" : $", and match {heads.Count} saved head(s)";
        var summary = checkedCount == 0 ? "the audit trail is empty, and there is no evidence without events" : $"all {checkedCount} events link correctly{anchored}; every signature and published version matches its event";
        return new(true, checkedCount, null, summary, []);
    }

    private static AuditVerification Broken(long checkedCount, long seq, string message) => new(false, checkedCount, seq, message, [message]);

    private static async Task CheckEvidenceAsync(AppDbContext db, Dictionary<string, (long Seq, string? After)> signed,
        Dictionary<string, (long Seq, string? After)> published, List<string> problems, CancellationToken ct)
    {
        var versions = await db.PolicyVersions.AsNoTracking().Where(v => v.Status != VersionStatus.Draft)
            .Select(v => new { v.Id, v.Number, v.Markdown, v.Declaration, v.TextSha256 }).ToDictionaryAsync(v => v.Id, ct);
        foreach (var v in versions.Values.OrderBy(v => v.Id))
        {
            if (SignOffService.HashOf(v.Markdown, v.Declaration) != v.TextSha256)
            {
                problems.Add($"published version {v.Id} ({v.Number}): its text does not match its stored hash: the text was edited after publishing");
            }

            if (!published.TryGetValue(v.Id.ToString(CultureInfo.InvariantCulture), out var record))
            {
                problems.Add($"published version {v.Id} ({v.Number}) has no policy.version-published event: it was published outside SafeUse, or its event was removed");
            }
            else if (Text(record.After, "TextSha256") != v.TextSha256)
            {
                problems.Add($"published version {v.Id} ({v.Number}): its text hash differs from the one event {record.Seq} recorded when it was published: the text was replaced");
            }
        }

        var matched = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var s in db.Signatures.AsNoTracking().OrderBy(s => s.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            var entity = $"{s.PolicyVersionId.ToString(CultureInfo.InvariantCulture)}:{s.PersonId.ToString(CultureInfo.InvariantCulture)}";
            if (!signed.TryGetValue(entity, out var record))
            {
                problems.Add($"signature {s.Id} (version {s.PolicyVersionId}, person {s.PersonId}) has no policy.signed event: it was added outside SafeUse");
                continue;
            }

            matched.Add(entity);
            var differs = new List<string>();
            if (Text(record.After, "TextSha256") != s.TextSha256)
            {
                differs.Add("text hash");
            }

            if (Text(record.After, "TypedName") != s.TypedName)
            {
                differs.Add("typed name");
            }

            if (Text(record.After, "IpAddress") != s.IpAddress)
            {
                differs.Add("IP address");
            }

            if (!MethodMatches(record.After, s.Method))
            {
                differs.Add("method");
            }

            if (!DateTime.TryParse(Text(record.After, "SignedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                || AuditChain.TruncateToMicroseconds(at) != AuditChain.TruncateToMicroseconds(s.SignedAt))
            {
                differs.Add("time");
            }

            if (differs.Count > 0)
            {
                problems.Add($"signature {s.Id} (version {s.PolicyVersionId}, person {s.PersonId}) differs from event {record.Seq} that recorded it: {string.Join(", ", differs)}");
            }

            if (versions.TryGetValue(s.PolicyVersionId, out var v) && (s.TextSha256 != v.TextSha256 || s.Declaration.ReplaceLineEndings("\n") != v.Declaration.ReplaceLineEndings("\n")))
            {
                problems.Add($"signature {s.Id} (version {s.PolicyVersionId}, person {s.PersonId}) is for a different text than version {v.Number} now has");
            }
        }

        foreach (var (entity, record) in signed.Where(s => !matched.Contains(s.Key)).OrderBy(s => s.Value.Seq))
        {
            problems.Add($"event {record.Seq} records a signature (version:person {entity}) that is no longer in the database: it was deleted");
        }
    }

    private static string? Text(string? json, string property)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var value)
                ? value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null => null,
                    _ => value.GetRawText(),
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool MethodMatches(string? json, SignMethod method)
    {
        // The event serialises the enum as its number; a name is accepted too.
        var text = Text(json, "Method");
        return text == ((int)method).ToString(CultureInfo.InvariantCulture) || text == method.ToString();
    }
}
