using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeUse.Monitoring;

/// <summary>
/// Category lists in the squidGuard directory format: <c>DIR/&lt;category&gt;/{domains,urls,expressions}</c>.
/// Up to 128 categories; a request's categories are a 128-bit mask.
/// </summary>
public sealed class CategoryLists
{
    /// <summary>The most categories one engine handles (bits of the mask).</summary>
    public const int MaxCategories = 128;

    private readonly ByteKeyTable _domains;
    private readonly ByteKeyTable _urls;
    private readonly ulong[] _urlHosts; // open addressing, at most half full; 0 marks an empty slot (hosts hash through NonZero)
    private readonly int _urlHostShift; // 64 - log2(slots): the home slot is the top bits of the mixed hash
    private readonly bool _singleLabelKeys;
    private readonly ulong[] _urlHostFilter = new ulong[1 << 14]; // 2^20 bits (128 KB) in front of the URL host set
    private readonly (Regex Regex, UInt128 Bit)[] _expressions;

    private CategoryLists(string[] names, ByteKeyTable domains, ByteKeyTable urls, IReadOnlyCollection<ulong> urlHosts,
        (Regex, UInt128)[] expressions, UInt128 expressionCategories, TimeSpan loadTime, ListCacheState cache)
    {
        Names = names;
        _domains = domains;
        _urls = urls;
        var slots = 16;
        while (slots < urlHosts.Count * 2) slots <<= 1;
        _urlHosts = new ulong[slots];
        _urlHostShift = 64 - System.Numerics.BitOperations.Log2((uint)slots);
        foreach (var h in urlHosts)
        {
            var key = Hashing.NonZero(h);
            var i = UrlHostHome(key);
            while (_urlHosts[i] != 0 && _urlHosts[i] != key) i = (i + 1) & (slots - 1);
            _urlHosts[i] = key;
            var m = h * 0x9E3779B97F4A7C15UL; // as ClassifyUrlHashed: top 14 bits pick the word, the 6 below the bit
            _urlHostFilter[(int)(m >> 50)] |= 1UL << (int)(m >> 44);
        }
        _singleLabelKeys = domains.HasSingleLabelKeys;
        _expressions = expressions;
        ExpressionCategories = expressionCategories;
        LoadTime = loadTime;
        Cache = cache;
    }

    /// <summary>Category names, in bit order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>How many distinct domain entries were loaded.</summary>
    public int DomainCount => _domains.Count;

    /// <summary>How many distinct URL entries were loaded.</summary>
    public int UrlCount => _urls.Count;

    /// <summary>Time taken by <see cref="Load"/>.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Whether the compiled lists came from the cache, were built (and saved), or no cache was used.</summary>
    public ListCacheState Cache { get; }

    /// <summary>Categories that have an <c>expressions</c> file.</summary>
    public UInt128 ExpressionCategories { get; }

    /// <summary>The bit of category <paramref name="name"/>, or zero when there is none.</summary>
    public UInt128 BitOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], name, StringComparison.Ordinal)) return UInt128.One << i;
        return UInt128.Zero;
    }

    /// <summary>
    /// Loads every category folder of <paramref name="directory"/>, following symbolic links. With
    /// <paramref name="cacheDirectory"/>, the compiled tables are kept there, keyed by a hash of every list file's
    /// path, size and modification time, so a later run over unchanged lists reads them back instead of parsing a
    /// million lines; rewriting, adding or removing any list file makes a new key.
    /// </summary>
    /// <exception cref="MonitoringConfigException">A folder or entry is invalid (file, line and field named).</exception>
    public static CategoryLists Load(string directory, string? cacheDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        if (!Directory.Exists(directory)) throw new MonitoringConfigException(directory, 0, "--lists", "directory not found");
        var dirs = Directory.GetDirectories(directory).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToArray();
        if (dirs.Length > MaxCategories)
            throw new MonitoringConfigException(directory, 0, "--lists", $"{dirs.Length} categories; at most {MaxCategories} are supported");
        var names = dirs.Select(d => Path.GetFileName(d)!).ToArray();

        // Aliases (UT1's porn -> adult) resolve to the same folder: load it once and copy the bit.
        var real = new Dictionary<string, int>(StringComparer.Ordinal);
        var aliases = new List<(int From, int To)>();
        var fileData = new List<ListFile>();
        for (var c = 0; c < dirs.Length; c++)
        {
            var info = new DirectoryInfo(dirs[c]);
            var target = info.ResolveLinkTarget(true)?.FullName ?? info.FullName;
            if (real.TryGetValue(target, out var first)) { aliases.Add((first, c)); continue; }
            real[target] = c;
            foreach (var kind in new[] { "domains", "urls", "expressions" })
            {
                var path = Path.Combine(dirs[c], kind);
                if (!File.Exists(path)) continue;
                var stat = new FileInfo(File.ResolveLinkTarget(path, true)?.FullName ?? path);
                fileData.Add(new ListFile(c, kind, path, stat.Length, stat.LastWriteTimeUtc.Ticks));
            }
        }

        var expressions = new List<(Regex, UInt128)>();
        UInt128 expressionCategories = UInt128.Zero;
        foreach (var f in fileData)
        {
            if (f.Kind != "expressions") continue;
            var bit = UInt128.One << f.Category;
            var regex = LoadExpressions(f.Path, File.ReadAllBytes(f.Path));
            if (regex is not null) { expressions.Add((regex, bit)); expressionCategories |= bit; }
        }
        foreach (var (from, to) in aliases)
        {
            var n = expressions.Count;
            for (var i = 0; i < n; i++)
                if (expressions[i].Item2 == UInt128.One << from) { expressions.Add((expressions[i].Item1, UInt128.One << to)); expressionCategories |= UInt128.One << to; }
        }

        var cache = cacheDirectory is null ? null : new ListCache(cacheDirectory, directory, ListCache.Key(names, aliases, fileData));
        if (cache?.TryRead() is var (cachedDomains, cachedUrls, cachedHosts) && cachedDomains is not null)
            return new CategoryLists(names, cachedDomains, cachedUrls!, cachedHosts!, [.. expressions], expressionCategories, clock.Elapsed, ListCacheState.Read);

        var (domains, urls, urlHosts) = Build(fileData);
        foreach (var (from, to) in aliases)
        {
            domains.Alias(UInt128.One << from, UInt128.One << to);
            urls.Alias(UInt128.One << from, UInt128.One << to);
        }
        domains.Seal();
        urls.Seal();
        var state = ListCacheState.Off;
        if (cache is not null) state = cache.TryWrite(domains, urls, urlHosts) ? ListCacheState.Written : ListCacheState.Unwritable;
        return new CategoryLists(names, domains, urls, urlHosts, [.. expressions], expressionCategories, clock.Elapsed, state);
    }

    /// <summary>One list file, with the size and modification time that key the cache.</summary>
    internal sealed record ListFile(int Category, string Kind, string Path, long Length, long Modified);

    /// <summary>An entry parsed from a file: its hash and where its lower-cased key is in the file's scratch arena.</summary>
    private struct Parsed
    {
        public ulong Hash;
        public int Offset;
        public int Length;
    }

    /// <summary>Parses every domains and urls file (in parallel, one file a task), then inserts in file order.</summary>
    private static (ByteKeyTable Domains, ByteKeyTable Urls, HashSet<ulong> UrlHosts) Build(List<ListFile> files)
    {
        var work = files.Where(f => f.Kind != "expressions").ToArray();
        var parsed = new (Parsed[] Entries, int Count, byte[] Arena, ulong[]? Hosts)[work.Length];
        var errors = new MonitoringConfigException?[work.Length];
        Parallel.For(0, work.Length, i =>
        {
            try { parsed[i] = Parse(work[i].Path, work[i].Kind, File.ReadAllBytes(work[i].Path)); }
            catch (MonitoringConfigException e) { errors[i] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error; // the first bad file in folder order
        long domainEntries = 0, urlEntries = 0;
        for (var i = 0; i < work.Length; i++)
            if (work[i].Kind == "domains") domainEntries += parsed[i].Count; else urlEntries += parsed[i].Count;
        var domains = new ByteKeyTable((int)Math.Min(int.MaxValue / 4, domainEntries));
        var urls = new ByteKeyTable((int)Math.Min(int.MaxValue / 4, urlEntries));
        var urlHosts = new HashSet<ulong>();
        for (var i = 0; i < work.Length; i++)
        {
            var (entries, count, arena, hosts) = parsed[i];
            var table = work[i].Kind == "domains" ? domains : urls;
            var bit = UInt128.One << work[i].Category;
            for (var e = 0; e < count; e++)
                table.Add(arena.AsSpan(entries[e].Offset, entries[e].Length), entries[e].Hash, bit);
            if (hosts is not null) urlHosts.UnionWith(hosts.AsSpan(0, count).ToArray());
        }
        return (domains, urls, urlHosts);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Parsed[] Entries, int Count, byte[] Arena, ulong[]? Hosts) Parse(string path, string kind, byte[] bytes)
    {
        var span = bytes.AsSpan();
        var lines = span.Count((byte)'\n') + 1;
        var entries = new Parsed[lines];
        var hosts = kind == "urls" ? new ulong[lines] : null;
        var arena = GC.AllocateUninitializedArray<byte>(span.Length);
        var used = 0;
        var count = 0;
        var lineNo = 0;
        var keyBuffer = kind == "urls" ? new byte[MaxEntryLength] : [];
        while (!span.IsEmpty)
        {
            lineNo++;
            var nl = span.IndexOf((byte)'\n');
            var line = nl < 0 ? span : span[..nl];
            span = nl < 0 ? default : span[(nl + 1)..];
            line = line.Trim(" \t\r"u8);
            if (line.IsEmpty || line[0] == '#') continue;
            if (line.Length > MaxEntryLength) throw new MonitoringConfigException(path, lineNo, kind, "entry longer than 4096 bytes");
            var scratch = arena.AsSpan(used, line.Length);
            for (var i = 0; i < line.Length; i++)
            {
                var b = line[i];
                if (b <= ' ' || b == 0x7F) throw new MonitoringConfigException(path, lineNo, kind, "entry contains a space or control character");
                scratch[i] = Hashing.Lower(b);
            }
            if (kind == "domains")
            {
                var entry = scratch.Trim((byte)'.');
                if (entry.IsEmpty) throw new MonitoringConfigException(path, lineNo, kind, "empty domain");
                entry.CopyTo(scratch); // the arena keeps the trimmed key at its start
                entries[count++] = new Parsed { Hash = Hashing.Name(entry), Offset = used, Length = entry.Length };
                used += entry.Length;
            }
            else
            {
                NormaliseUrlEntry(scratch, out var host, out var urlPath);
                if (host.IsEmpty) throw new MonitoringConfigException(path, lineNo, kind, "URL entry has no host");
                var hostHash = Hashing.Name(host); // as the domain lookup hashes hosts, so a request's host is hashed once
                // Hashed before the key is written over the entry: host and path are views of it, and once a scheme,
                // a www prefix or a port is removed the key is shorter than the entry, so the path's bytes move.
                var hash = Hashing.Forward(urlPath, hostHash);
                // The key is host bytes then path bytes; paths start with '/', hosts never contain one.
                var key = keyBuffer.AsSpan(0, host.Length + urlPath.Length);
                host.CopyTo(key);
                urlPath.CopyTo(key[host.Length..]);
                key.CopyTo(scratch);
                hosts![count] = hostHash;
                entries[count++] = new Parsed { Hash = hash, Offset = used, Length = key.Length };
                used += key.Length;
            }
        }
        return (entries, count, arena, hosts);
    }

    private const int MaxEntryLength = 4096; // longer than any sane list entry; longer ones are rejected

    private static Regex? LoadExpressions(string path, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var parts = new List<string>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            try
            {
                // Validate each expression alone so the error names its line.
                _ = new Regex(line, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw new MonitoringConfigException(path, lineNo, "expressions", e.Message);
            }
            parts.Add("(?:" + line + ")");
        }
        return parts.Count == 0 ? null
            : new Regex(string.Join('|', parts), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// Splits a lower-cased URL entry into host and path: scheme and <c>:port</c> removed, a leading
    /// <c>www|web|ftp</c> plus digits and a dot removed, trailing slashes removed.
    /// </summary>
    internal static void NormaliseUrlEntry(ReadOnlySpan<byte> entry, out ReadOnlySpan<byte> host, out ReadOnlySpan<byte> path)
    {
        var scheme = entry.IndexOf("://"u8);
        if (scheme >= 0) entry = entry[(scheme + 3)..];
        var slash = entry.IndexOf((byte)'/');
        host = slash < 0 ? entry : entry[..slash];
        path = slash < 0 ? default : entry[slash..];
        var colon = host.IndexOf((byte)':');
        if (colon >= 0) host = host[..colon];
        host = StripWwwPrefix(host.TrimEnd((byte)'.'));
        while (!path.IsEmpty && path[^1] == '/') path = path[..^1];
    }

    /// <summary>Removes a leading <c>www</c>, <c>web</c> or <c>ftp</c> followed by digits and a dot.</summary>
    internal static ReadOnlySpan<byte> StripWwwPrefix(ReadOnlySpan<byte> host)
    {
        if (host.Length < 4) return host;
        var p = host[..3];
        if (!Hashing.EqualsLowered("www"u8, p) && !Hashing.EqualsLowered("web"u8, p) && !Hashing.EqualsLowered("ftp"u8, p)) return host;
        var i = 3;
        while (i < host.Length && (uint)(host[i] - '0') <= 9) i++;
        return i < host.Length - 1 && host[i] == '.' ? host[(i + 1)..] : host;
    }

    /// <summary>Domain categories of <paramref name="host"/>: the host or any suffix of it starting after a dot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public UInt128 ClassifyHost(ReadOnlySpan<byte> host)
    {
        var lowered = host.Length <= 1024 ? stackalloc byte[host.Length] : new byte[host.Length];
        for (var i = 0; i < host.Length; i++) lowered[i] = Hashing.Lower(host[i]);
        var labels = lowered.Count((byte)'.') + 1;
        var hashes = labels <= 64 ? stackalloc ulong[labels] : new ulong[labels];
        var starts = labels <= 64 ? stackalloc int[labels] : new int[labels];
        var n = Hashing.Suffixes(lowered, hashes, starts, _singleLabelKeys);
        var result = UInt128.Zero;
        for (var k = 0; k < n; k++) result |= _domains.FindLowered(lowered[starts[k]..], hashes[k]);
        return result;
    }

    /// <summary>Most host suffixes whose hashes <see cref="HostSuffixes"/> keeps; longer hosts are classified directly.</summary>
    internal const int MaxSuffixes = 16;

    /// <summary>
    /// The hashes and start positions of the suffixes of lower-case <paramref name="host"/> that a domain lookup
    /// tries (as <see cref="ClassifyHost"/> does), with each one's table lines prefetched; -1 when there are more
    /// than <see cref="MaxSuffixes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int HostSuffixes(ReadOnlySpan<byte> host, Span<ulong> hashes, Span<int> starts)
    {
        var n = Hashing.Suffixes(host, hashes, starts, _singleLabelKeys);
        for (var k = 0; k < n; k++) _domains.Prefetch(hashes[k]);
        return n;
    }

    /// <summary>
    /// For a request with a path: prefetches the URL host filter's word for <paramref name="host"/> (from the suffix
    /// hashes <see cref="HostSuffixes"/> found), which <see cref="ClassifyUrl(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{ulong}, ReadOnlySpan{int})"/> reads first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchUrlHost(ReadOnlySpan<byte> host, ReadOnlySpan<ulong> hashes, ReadOnlySpan<int> starts)
    {
        if (_urls.Count == 0 || !System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        var k = UrlHostSuffix(host, StripWwwPrefix(host), starts);
        if (k < 0) return;
        var m = hashes[k] * 0x9E3779B97F4A7C15UL;
        // A hint only: should the array move before the load, the prefetch just fetches a line nobody reads.
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref _urlHostFilter[(int)(m >> 50)]));
    }

    /// <summary>Which of the suffixes <see cref="HostSuffixes"/> found is the URL host (<paramref name="host"/> without its www prefix), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UrlHostSuffix(ReadOnlySpan<byte> host, ReadOnlySpan<byte> stripped, ReadOnlySpan<int> starts)
    {
        var at = host.Length - stripped.Length;
        for (var k = 0; k < starts.Length; k++)
            if (starts[k] == at) return k;
        return -1;
    }

    /// <summary>After <see cref="HostSuffixes"/>, once the filter words have arrived: prefetches the slots of the suffixes that may be listed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PrefetchListedSuffixes(ReadOnlySpan<ulong> hashes)
    {
        for (var k = 0; k < hashes.Length; k++) _domains.PrefetchSlotIfListed(hashes[k]);
    }

    /// <summary>Domain categories of lower-case <paramref name="host"/> from the suffixes <see cref="HostSuffixes"/> found.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal UInt128 ClassifyHostSuffixes(ReadOnlySpan<byte> host, ReadOnlySpan<ulong> hashes, ReadOnlySpan<int> starts)
    {
        var result = UInt128.Zero;
        for (var k = 0; k < hashes.Length; k++) result |= _domains.FindLowered(host[starts[k]..], hashes[k]);
        return result;
    }

    /// <summary>URL-list categories of a request with <paramref name="host"/> and <paramref name="path"/> (no query).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public UInt128 ClassifyUrl(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path)
    {
        if (_urls.Count == 0) return UInt128.Zero;
        Span<byte> lowered = stackalloc byte[Math.Min(host.Length, 1024)];
        if (host.Length > lowered.Length) return UInt128.Zero; // longer "hosts" are never listed (entries are at most 4 KB, hosts 253 bytes)
        for (var i = 0; i < host.Length; i++) lowered[i] = Hashing.Lower(host[i]);
        var stripped = StripWwwPrefix(lowered);
        return ClassifyUrlHashed(stripped, path, Hashing.Name(stripped));
    }

    /// <summary>
    /// <see cref="ClassifyUrl(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> for lower-case <paramref name="host"/>, taking
    /// the host's hash from the suffix hashes <see cref="HostSuffixes"/> already computed when it is among them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal UInt128 ClassifyUrl(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path, ReadOnlySpan<ulong> hashes, ReadOnlySpan<int> starts)
    {
        if (_urls.Count == 0) return UInt128.Zero;
        var stripped = StripWwwPrefix(host);
        var k = UrlHostSuffix(host, stripped, starts);
        return ClassifyUrlHashed(stripped, path, k >= 0 ? hashes[k] : Hashing.Name(stripped));
    }

    /// <summary>The URL host set's home slot for <paramref name="key"/>: bits of the hash other than the filter's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int UrlHostHome(ulong key) => (int)((key * 0xC2B2AE3D27D4EB4FUL) >> _urlHostShift);

    /// <summary>Whether some URL entry has the host hashed as <paramref name="h"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool HasUrlHost(ulong h)
    {
        var key = Hashing.NonZero(h);
        var hosts = _urlHosts;
        for (var i = UrlHostHome(key); ; i = (i + 1) & (hosts.Length - 1))
        {
            var at = hosts[i];
            if (at == key) return true;
            if (at == 0) return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private UInt128 ClassifyUrlHashed(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path, ulong h)
    {
        var m = h * 0x9E3779B97F4A7C15UL; // spread FNV's weak low bits before taking the filter's bits
        if ((_urlHostFilter[(int)(m >> 50)] & (1UL << (int)(m >> 44))) == 0 || !HasUrlHost(h)) return UInt128.Zero;
        Span<byte> key = stackalloc byte[1024]; // 1024: longer request paths are matched on their first 1 KB minus the host
        var result = UInt128.Zero;
        var limit = Math.Min(path.Length, key.Length - host.Length);
        if (limit < 0) return UInt128.Zero;
        host.CopyTo(key);
        for (var i = 0; i <= limit; i++)
        {
            if (i == path.Length || path[i] == '/')
                result |= _urls.Find(key[..(host.Length + i)], h);
            if (i < limit)
            {
                key[host.Length + i] = path[i];
                h = Hashing.Step(h, path[i]);
            }
        }
        return result;
    }

    /// <summary>Expression categories (among <paramref name="wanted"/>) of the lower-cased URL.</summary>
    public UInt128 ClassifyExpressions(ReadOnlySpan<byte> url, UInt128 wanted)
    {
        if (_expressions.Length == 0 || (wanted & ExpressionCategories) == UInt128.Zero) return UInt128.Zero;
        var chars = ArrayPool<char>.Shared.Rent(url.Length);
        try
        {
            var n = Encoding.UTF8.GetChars(url, chars);
            for (var i = 0; i < n; i++) chars[i] = char.ToLowerInvariant(chars[i]);
            var text = chars.AsSpan(0, n);
            var result = UInt128.Zero;
            foreach (var (regex, bit) in _expressions)
                if ((wanted & bit) != UInt128.Zero && (result & bit) == UInt128.Zero && regex.IsMatch(text)) result |= bit;
            return result;
        }
        finally { ArrayPool<char>.Shared.Return(chars); }
    }
}
