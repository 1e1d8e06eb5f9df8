using System.IO.Hashing;
using System.Text;

namespace SafeUse.Monitoring;

/// <summary>What <see cref="CategoryLists.Load"/> did with its cache.</summary>
public enum ListCacheState
{
    /// <summary>No cache directory was given.</summary>
    Off,
    /// <summary>The compiled lists were read from the cache.</summary>
    Read,
    /// <summary>The lists were parsed and the compiled form saved for the next run.</summary>
    Written,
    /// <summary>The lists were parsed; the cache could not be written (the run is unaffected).</summary>
    Unwritable,
}

/// <summary>
/// The compiled category lists on disk, one file per lists directory, like squidGuard's <c>.db</c> files but never
/// stale: the header holds a 128-bit hash of every list file's path, size and modification time (to the 100 ns, as
/// <c>make</c> and <c>git</c> judge change), the category names and aliases; a file whose key differs, or that is
/// damaged in any way, is rebuilt.
/// </summary>
internal sealed class ListCache(string cacheDirectory, string listsDirectory, UInt128 key)
{
    private const int Version = 5; // bump when the table layout changes, or how entries are hashed (5: inline key copies)
    private static readonly byte[] Magic = "SAFEUSE-LISTS\n"u8.ToArray();

    private string FilePath
    {
        get
        {
            var full = Path.GetFullPath(listsDirectory).TrimEnd(Path.DirectorySeparatorChar);
            var id = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(full));
            return Path.Combine(cacheDirectory, $"lists-{id:x16}.bin");
        }
    }

    /// <summary>The key of a set of lists: format version, names, aliases and every file's category, kind, path, size and time.</summary>
    public static UInt128 Key(string[] names, List<(int From, int To)> aliases, List<CategoryLists.ListFile> files)
    {
        var h = new XxHash128();
        var n = new byte[8];
        void Int(long v) { BitConverter.TryWriteBytes(n, v); h.Append(n); }
        Int(Version);
        Int(names.Length);
        foreach (var name in names) { var b = Encoding.UTF8.GetBytes(name); Int(b.Length); h.Append(b); }
        Int(aliases.Count);
        foreach (var (from, to) in aliases) { Int(from); Int(to); }
        Int(files.Count);
        foreach (var f in files)
        {
            Int(f.Category);
            var kind = Encoding.UTF8.GetBytes(f.Kind);
            Int(kind.Length);
            h.Append(kind);
            var path = Encoding.UTF8.GetBytes(Path.GetFullPath(f.Path));
            Int(path.Length);
            h.Append(path);
            Int(f.Length);
            Int(f.Modified);
        }
        return h.GetCurrentHashAsUInt128();
    }

    /// <summary>The cached tables, or nulls when there is no valid cache for this key.</summary>
    public unsafe (ByteKeyTable? Domains, ByteKeyTable? Urls, ulong[]? UrlHosts) TryRead()
    {
        try
        {
            if (!File.Exists(FilePath)) return default;
            var file = MappedFile.Open(FilePath);
            using var stream = new UnmanagedMemoryStream(file.Pointer, file.Length);
            using var r = new BinaryReader(stream);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || r.ReadInt32() != Version) return default;
            var hi = r.ReadUInt64();
            var lo = r.ReadUInt64();
            if (new UInt128(hi, lo) != key) return default;
            var domains = ByteKeyTable.Map(r, file);
            var urls = ByteKeyTable.Map(r, file);
            var hostCount = r.ReadInt32();
            if (hostCount < 0 || hostCount > (file.Length - stream.Position) / 8) return default;
            var hosts = new ulong[hostCount];
            for (var i = 0; i < hostCount; i++) hosts[i] = r.ReadUInt64();
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) return default; // trailer: the file is whole
            return (domains, urls, hosts);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return default; // missing, unreadable or damaged: rebuild
        }
    }

    /// <summary>Saves the tables (to a temporary file, then renamed into place); false when that is not possible.</summary>
    public bool TryWrite(ByteKeyTable domains, ByteKeyTable urls, HashSet<ulong> urlHosts)
    {
        var target = FilePath;
        var temp = $"{target}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var w = new BinaryWriter(stream))
            {
                w.Write(Magic);
                w.Write(Version);
                w.Write((ulong)(key >> 64));
                w.Write((ulong)key);
                domains.Save(w);
                urls.Save(w);
                w.Write(urlHosts.Count);
                foreach (var h in urlHosts) w.Write(h);
                w.Write(Magic);
            }
            File.Move(temp, target, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
            return false;
        }
    }
}
