using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SafeUse.Platform.Audit;

internal sealed class AuditOptions
{
    public const string Section = "SafeUse";

    /// <summary>The audit chain's key file; empty means <c>audit-chain.key</c> in the data folder.</summary>
    public string? AuditKeyFile { get; set; }

    /// <summary>Email the chain's newest event to the DPO and trust administrators once a day (with the sign-off clock).</summary>
    public bool AuditHeadEmail { get; set; } = true;
}

internal sealed class AuditKeyException(string message) : Exception(message);

/// <summary>
/// The secret the audit chain's HMACs are made with, and the number of the first event made with it. Both live in a
/// file outside the database (0600, made by the first event written after an upgrade), so a copy of the database
/// alone is not enough to rewrite the chain, nor to pass rewritten events off as ones written before the key.
/// </summary>
internal sealed class AuditKeyMaterial
{
    private readonly byte[] secret;

    public AuditKeyMaterial(byte[] secret, long keyedFrom)
    {
        this.secret = secret;
        KeyedFrom = keyedFrom;
        // A fingerprint, not the key: it tells which key made an event without helping anyone forge one.
        Id = Convert.ToHexStringLower(SHA256.HashData([.. "safeuse-audit-key-id:"u8, .. secret]))[..16];
    }

    public string Id { get; }

    /// <summary>Every event from this number on must carry an HMAC made with this key.</summary>
    public long KeyedFrom { get; }

    public string Mac(string preimage) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(preimage)));
}

/// <summary>Finds the audit key file: the web app and the command line find the same one through the same settings.</summary>
internal sealed class AuditKey(string path)
{
    public const string FileName = "audit-chain.key";

    // 256 bits, the HMAC-SHA256 block's natural key size.
    private const int SecretBytes = 32;

    private readonly Lock gate = new();
    private AuditKeyMaterial? loaded;

    public string Path => path;

    public static string DefaultPath(string dataDirectory) => System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));

    /// <summary>The key, or null when there is no key file yet. Never makes one: checking must not change anything.</summary>
    public AuditKeyMaterial? TryLoad()
    {
        lock (gate)
        {
            if (loaded is null && File.Exists(path))
            {
                loaded = Parse(File.ReadAllText(path));
            }

            return loaded;
        }
    }

    /// <summary>
    /// The key, made now if there is none, keyed from <paramref name="nextSeq"/>. The caller holds the chain's lock,
    /// so <paramref name="nextSeq"/> is the number the first keyed event will have.
    /// </summary>
    public AuditKeyMaterial GetOrCreate(long nextSeq)
    {
        lock (gate)
        {
            if (TryLoad() is { } existing)
            {
                return existing;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var secret = RandomNumberGenerator.GetBytes(SecretBytes);
            var text = $"""
                # SafeUse audit chain key. Keep it secret and back it up (apart from the database): without it
                # `safeuse audit verify` cannot check the events written with it. Never edit it.
                key: {Convert.ToBase64String(secret)}
                keyed-from: {nextSeq.ToString(CultureInfo.InvariantCulture)}

                """;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, Encoding.UTF8, options);
                writer.Write(text);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first (under the same chain lock, so with the same keyed-from): use theirs.
                loaded = Parse(File.ReadAllText(path));
                return loaded;
            }

            loaded = new AuditKeyMaterial(secret, nextSeq);
            return loaded;
        }
    }

    private AuditKeyMaterial Parse(string text)
    {
        byte[]? secret = null;
        long keyedFrom = 1;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon].Trim();
            var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
            switch (name)
            {
                case "key":
                    try
                    {
                        secret = Convert.FromBase64String(value);
                    }
                    catch (FormatException)
                    {
                        throw new AuditKeyException($"The audit key file {path} is damaged: its key is not base64.");
                    }

                    break;
                case "keyed-from" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1:
                    keyedFrom = n;
                    break;
                default:
                    throw new AuditKeyException($"The audit key file {path} is damaged: it has a line SafeUse does not understand ({name}).");
            }
        }

        if (secret is not { Length: >= SecretBytes })
        {
            throw new AuditKeyException($"The audit key file {path} has no key of at least {SecretBytes} bytes (base64, after \"key:\").");
        }

        return new AuditKeyMaterial(secret, keyedFrom);
    }
}
