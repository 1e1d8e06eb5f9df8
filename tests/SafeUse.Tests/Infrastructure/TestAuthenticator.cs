using System.Collections.Concurrent;
using OtpNet;

namespace SafeUse.Tests.Infrastructure;

/// <summary>
/// The authenticator apps of the people who enrolled in one test database: the keys read from the enrolment page,
/// codes computed with Otp.NET on the app's clock, and the recovery codes shown at enrolment. It remembers the last
/// time step it gave a code for, as SafeUse does, so it never offers a code SafeUse would refuse as used; when the
/// clock (a fake one, say) has not moved on enough, it gives a recovery code instead.
/// </summary>
internal sealed class TestAuthenticator(string database, TimeProvider time, Func<string, (byte[] Secret, long? LastStep)?>? stored = null)
{
    private static readonly ConcurrentDictionary<(string Database, string Email), Entry> Apps = new();

    public void Add(string email, string groupedKey) =>
        Apps[(database, email.ToLowerInvariant())] = new Entry(Base32Encoding.ToBytes(groupedKey.Replace(" ", "", StringComparison.Ordinal)));

    public bool Has(string email) => Apps.ContainsKey((database, email.ToLowerInvariant()));

    public byte[] Secret(string email) => Get(email).Secret;

    public void KeepRecoveryCodes(string email, IEnumerable<string> codes)
    {
        var entry = Get(email);
        lock (entry)
        {
            entry.RecoveryCodes.Clear();
            entry.RecoveryCodes.AddRange(codes);
        }
    }

    /// <summary>A code SafeUse will take now: the earliest unused step within one of now, else a recovery code.</summary>
    public string NextCode(string email)
    {
        var entry = Get(email);
        lock (entry)
        {
            var now = Step(time.GetUtcNow());
            var step = Math.Max(now - 1, entry.LastStep + 1);
            if (step <= now + 1)
            {
                entry.LastStep = step;
                return CodeAt(entry.Secret, step);
            }

            if (entry.RecoveryCodes.Count == 0)
            {
                throw new InvalidOperationException($"No unused code for {email}: every step within one of now is used, and so are the recovery codes.");
            }

            var code = entry.RecoveryCodes[0];
            entry.RecoveryCodes.RemoveAt(0);
            return code;
        }
    }

    /// <summary>The code for a step, and the step counted as used (for tests that give codes themselves).</summary>
    public string CodeAtStep(string email, long step)
    {
        var entry = Get(email);
        lock (entry)
        {
            entry.LastStep = Math.Max(entry.LastStep, step);
            return CodeAt(entry.Secret, step);
        }
    }

    public long StepNow() => Step(time.GetUtcNow());

    public static long Step(DateTimeOffset at) => at.ToUnixTimeSeconds() / 30;

    public static string CodeAt(byte[] secret, long step) => new Totp(secret).ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * 30));

    private Entry Get(string email)
    {
        var key = (database, email.ToLowerInvariant());
        if (Apps.TryGetValue(key, out var entry))
        {
            return entry;
        }

        // A factor made without the pages (the demo's), which may have been used already (the demo's shown code).
        var found = stored?.Invoke(email) ?? throw new InvalidOperationException($"{email} has not set up an authenticator app in this test.");
        return Apps.GetOrAdd(key, _ => new Entry(found.Secret) { LastStep = found.LastStep ?? long.MinValue / 2 });
    }

    private sealed class Entry(byte[] secret)
    {
        public byte[] Secret { get; } = secret;
        public long LastStep { get; set; } = long.MinValue / 2;
        public List<string> RecoveryCodes { get; } = [];
    }
}
