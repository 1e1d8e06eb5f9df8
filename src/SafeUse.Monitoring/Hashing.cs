using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SafeUse.Monitoring;

/// <summary>64-bit FNV-1a over ASCII-lower-cased bytes; the one hash used by every table in the engine.</summary>
internal static class Hashing
{
    /// <summary>FNV-1a 64-bit offset basis.</summary>
    public const ulong Seed = 14695981039346656037UL;

    /// <summary>FNV-1a 64-bit prime.</summary>
    public const ulong Prime = 1099511628211UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Lower(byte b) => (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Step(ulong h, byte b) => (h ^ Lower(b)) * Prime;

    /// <summary>Hash of <paramref name="s"/> read left to right.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ulong Forward(ReadOnlySpan<byte> s, ulong h = Seed)
    {
        foreach (var b in s) h = Step(h, b);
        return h;
    }

    /// <summary>Hash of <paramref name="s"/> read right to left, so every suffix's hash is a prefix of the work.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ulong Backward(ReadOnlySpan<byte> s)
    {
        var h = Seed;
        for (var i = s.Length - 1; i >= 0; i--) h = Step(h, s[i]);
        return h;
    }

    private const ulong LabelPrime = 0x9E3779B97F4A7C15UL; // odd, so each step is a bijection of the running hash

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LabelStep(ulong h, ulong word) => System.Numerics.BitOperations.RotateLeft((h ^ word) * LabelPrime, 29);

    /// <summary>Adds the label <paramref name="name"/>[<paramref name="start"/>..<paramref name="end"/>) to <paramref name="h"/>, 8 bytes a step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Label(ReadOnlySpan<byte> name, int start, int end, ulong h)
    {
        ref var r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(name);
        var n = end - start;
        var at = start;
        while (n >= 8)
        {
            h = LabelStep(h, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, at)));
            at += 8;
            n -= 8;
        }
        if (n > 0)
        {
            ulong word = 0;
            if (end >= 8) word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, end - 8)) >> (8 * (8 - n)); // the last n bytes
            else for (var i = end - 1; i >= at; i--) word = (word << 8) | Unsafe.Add(ref r, i);
            h = LabelStep(h, word);
        }
        return LabelStep(h, (uint)(end - start) | 0x2E00_0000_0000_0000UL); // the length closes the label: labels never run together
    }

    /// <summary>
    /// The hashes of the suffixes of lower-case <paramref name="name"/> that start after a dot, and of the whole
    /// name, right to left (<c>com</c>, <c>example.com</c>, <c>www.example.com</c>), each from the one before, a
    /// label at a time and eight bytes a step; the rightmost label alone is left out unless
    /// <paramref name="singleLabel"/>. Returns how many were written, or -1 when they do not fit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int Suffixes(ReadOnlySpan<byte> name, Span<ulong> hashes, Span<int> starts, bool singleLabel)
    {
        var h = Seed;
        var n = 0;
        var end = name.Length;
        var record = singleLabel;
        while (true)
        {
            var dot = end - 1;
            while (dot >= 0 && name[dot] != '.') dot--;
            h = Label(name, dot + 1, end, h);
            if (record)
            {
                if (n == hashes.Length) return -1;
                hashes[n] = h;
                starts[n++] = dot + 1;
            }
            record = true;
            if (dot < 0) return n;
            end = dot;
        }
    }

    /// <summary>The hash <see cref="Suffixes"/> gives lower-case <paramref name="name"/> as a whole: the key of a domain entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Name(ReadOnlySpan<byte> name)
    {
        var h = Seed;
        var end = name.Length;
        while (true)
        {
            var dot = end - 1;
            while (dot >= 0 && name[dot] != '.') dot--;
            h = Label(name, dot + 1, end, h);
            if (dot < 0) return h;
            end = dot;
        }
    }

    /// <summary>0 marks an empty slot, so a real hash of 0 is moved to 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonZero(ulong h) => h == 0 ? 1 : h;

    /// <summary>ASCII case-insensitive equality where <paramref name="lowered"/> is already lower case.</summary>
    public static bool EqualsLowered(ReadOnlySpan<byte> lowered, ReadOnlySpan<byte> s)
    {
        if (lowered.Length != s.Length) return false;
        for (var i = 0; i < s.Length; i++)
            if (lowered[i] != Lower(s[i])) return false;
        return true;
    }
}

/// <summary>
/// Open-addressing table from byte keys to a category mask. A slot (16 bytes) holds the key's 64-bit hash, where
/// the key is in one packed byte arena, its length and the index of its category mask, so a lookup of a listed key
/// costs one slot line and one arena line, and a lookup of an unlisted one usually stops at a small filter that
/// stays in cache. Every part is a flat array, so the table is saved to and loaded from the list cache as it is.
/// </summary>
internal sealed unsafe class ByteKeyTable
{
    /// <summary>A slot: the hash (0 = empty), the key's place in the arena and its mask, in one 16-byte unit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Slot
    {
        public ulong Hash;
        public uint Offset;
        public ushort Length;
        public ushort Mask;
    }

    private const ulong Golden = 0x9E3779B97F4A7C15UL; // 2^64 / golden ratio, for Fibonacci hashing

    private Slot* _slots; // native, 2 MB aligned and advised as huge pages: random probes then miss the TLB far less

    // Each slot's key again, its first InlineKey bytes, at the same index: a lookup that finds its hash compares the
    // key here rather than in the arena, and the prefetch of a slot fetches this line alongside it. Without it the
    // arena read was one more memory miss on every listed request (the key is read only after the slot arrives).
    private byte* _keys;
    internal const int InlineKey = 16;
    private int _capacity;
    private int _mask;
    private int _shift; // 64 - log2(capacity): the slot is the top bits of the mixed hash
    private byte* _arena; // native while building; inside the mapped cache file when read from it
    private long _arenaUsed;
    private long _arenaCapacity;
    private bool _ownsMemory; // false when the parts live in a mapped cache file
    private MappedFile? _file; // keeps that mapping alive as long as the table
    private readonly List<UInt128> _masks = [];
    private Dictionary<UInt128, int>? _maskIndex = [];

    // A blocked filter: two bits of one 64-bit word per key, 16 bits per key (about 1.5% false positives), small
    // enough to stay in cache, so most lookups of unlisted suffixes never touch the slots.
    private ulong* _filter;
    private int _filterWords;

    public ByteKeyTable(int expected)
    {
        var capacity = 16;
        while (capacity < expected * 2) capacity <<= 1; // at most half full keeps linear probes short
        SetCapacity(capacity);
        _slots = (Slot*)HugePages.Alloc((nuint)capacity * (nuint)sizeof(Slot));
        _keys = (byte*)HugePages.Alloc((nuint)capacity * InlineKey);
        _arenaCapacity = Math.Max(1024, (long)expected * 20); // 20: above a typical listed domain's length, grown on demand
        _arena = (byte*)NativeMemory.Alloc((nuint)_arenaCapacity);
        _ownsMemory = true;
    }

    private ByteKeyTable(int capacity, MappedFile file)
    {
        _file = file;
        SetCapacity(capacity);
        _maskIndex = null; // sealed
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Key(in Slot slot) => new(_arena + slot.Offset, slot.Length);

    /// <summary>The key of the slot at <paramref name="index"/>: from the inline copy when it fits there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Key(Slot* slot, int index) =>
        slot->Length <= InlineKey ? new(_keys + (nint)index * InlineKey, slot->Length) : Key(*slot);

    private void SetCapacity(int capacity)
    {
        _capacity = capacity;
        _mask = capacity - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
    }

    public int Count { get; private set; }

    /// <summary>True when some key has no dot (a bare TLD or single-label name), so single-label lookups are needed.</summary>
    public bool HasSingleLabelKeys { get; private set; }

    /// <summary>Murmur3's 64-bit finaliser: FNV's low bits mix poorly, the slot and the filter need every bit mixed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong hash) => (int)((hash * Golden) >> _shift);

    /// <summary>Adds <paramref name="key"/> (already lower case) with hash <paramref name="hash"/> or ORs its categories.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> key, ulong hash, UInt128 categories)
    {
        if (_maskIndex is null) throw new InvalidOperationException("the table is sealed");
        hash = Hashing.NonZero(hash);
        var i = Home(hash);
        while (true)
        {
            var slot = _slots + i;
            if (slot->Hash == 0) break;
            if (slot->Hash == hash && slot->Length == key.Length && Key(*slot).SequenceEqual(key))
            {
                var merged = _masks[slot->Mask] | categories;
                if (merged != _masks[slot->Mask]) slot->Mask = InternMask(merged);
                return;
            }
            i = (i + 1) & _mask;
        }
        if (Count * 2 >= _capacity) { Grow(); Add(key, hash, categories); return; }
        if (_arenaUsed + key.Length > uint.MaxValue) throw new InvalidOperationException("list entries exceed 4 GB");
        if (_arenaUsed + key.Length > _arenaCapacity)
        {
            _arenaCapacity = Math.Max(_arenaCapacity * 2, _arenaUsed + key.Length);
            _arena = (byte*)NativeMemory.Realloc(_arena, (nuint)_arenaCapacity);
        }
        key.CopyTo(new Span<byte>(_arena + _arenaUsed, key.Length));
        key[..Math.Min(key.Length, InlineKey)].CopyTo(new Span<byte>(_keys + (nint)i * InlineKey, InlineKey));
        _slots[i] = new Slot { Hash = hash, Offset = (uint)_arenaUsed, Length = (ushort)key.Length, Mask = InternMask(categories) };
        _arenaUsed += key.Length;
        if (key.IndexOf((byte)'.') < 0) HasSingleLabelKeys = true;
        Count++;
    }

    private ushort InternMask(UInt128 mask)
    {
        if (_maskIndex!.TryGetValue(mask, out var index)) return (ushort)index;
        if (_masks.Count > ushort.MaxValue) throw new InvalidOperationException("more than 65,536 different category combinations");
        _masks.Add(mask);
        _maskIndex[mask] = _masks.Count - 1;
        return (ushort)(_masks.Count - 1);
    }

    private void Grow()
    {
        var old = _slots;
        var oldKeys = _keys;
        var oldCapacity = _capacity;
        SetCapacity(_capacity * 2);
        _slots = (Slot*)HugePages.Alloc((nuint)_capacity * (nuint)sizeof(Slot));
        _keys = (byte*)HugePages.Alloc((nuint)_capacity * InlineKey);
        for (var o = 0; o < oldCapacity; o++)
        {
            var s = old[o];
            if (s.Hash == 0) continue;
            var i = Home(s.Hash);
            while (_slots[i].Hash != 0) i = (i + 1) & _mask;
            _slots[i] = s;
            *(Int128*)(_keys + (nint)i * InlineKey) = *(Int128*)(oldKeys + (nint)o * InlineKey);
        }
        HugePages.Free(old);
        HugePages.Free(oldKeys);
    }

    /// <summary>The categories of <paramref name="key"/>, compared ignoring ASCII case, or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public UInt128 Find(ReadOnlySpan<byte> key, ulong hash) => Find(key, hash, lowered: false);

    /// <summary>The categories of <paramref name="key"/>, which is already lower case, or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public UInt128 FindLowered(ReadOnlySpan<byte> key, ulong hash) => Find(key, hash, lowered: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private UInt128 Find(ReadOnlySpan<byte> key, ulong hash, bool lowered)
    {
        hash = Hashing.NonZero(hash);
        var m = Mix(hash);
        var word = _filter[(int)(m & (uint)(_filterWords - 1))];
        var bits = (1UL << (int)(m >> 20)) | (1UL << (int)(m >> 26)); // shifts use the low 6 bits: bits 20-25 and 26-31
        if ((word & bits) != bits) return UInt128.Zero;
        var slots = _slots;
        var i = Home(hash);
        while (true)
        {
            var slot = slots + i;
            if (slot->Hash == 0) return UInt128.Zero;
            if (slot->Hash == hash && slot->Length == key.Length)
            {
                var stored = Key(slot, i);
                if (lowered ? stored.SequenceEqual(key) : Hashing.EqualsLowered(stored, key)) return _masks[slot->Mask];
            }
            i = (i + 1) & _mask;
        }
    }

    /// <summary>
    /// Starts loading the filter word of <paramref name="hash"/> into cache, so that a lookup a few lines later finds
    /// it there: with hosts that are nearly all different, lookups are bound by memory latency, and a batch of
    /// lines' prefetches overlaps those waits. The slot is prefetched later, by <see cref="PrefetchSlotIfListed"/>,
    /// and only when the filter lets the key through: most suffixes are not listed, and loading their slots from
    /// a table of tens of megabytes would spend memory bandwidth on lines nobody reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong hash)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        var m = Mix(Hashing.NonZero(hash));
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(_filter + (int)(m & (uint)(_filterWords - 1)));
    }

    /// <summary>The second stage of <see cref="Prefetch"/>: the home slot of <paramref name="hash"/>, if the filter passes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchSlotIfListed(ulong hash)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        hash = Hashing.NonZero(hash);
        var m = Mix(hash);
        var word = _filter[(int)(m & (uint)(_filterWords - 1))];
        var bits = (1UL << (int)(m >> 20)) | (1UL << (int)(m >> 26));
        if ((word & bits) != bits) return;
        var home = Home(hash);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(_slots + home);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(_keys + (nint)home * InlineKey);
    }

    /// <summary>For aliases (symbolic links to the same folder): every entry in <paramref name="from"/> also gets <paramref name="to"/>.</summary>
    public void Alias(UInt128 from, UInt128 to)
    {
        // Slots share masks by index, so updating each distinct mask updates every entry that has it.
        for (var m = 0; m < _masks.Count; m++)
            if ((_masks[m] & from) != UInt128.Zero) _masks[m] |= to;
        _maskIndex = _masks.Select((mask, index) => (mask, index)).GroupBy(x => x.mask).ToDictionary(g => g.Key, g => g.First().index);
    }

    ~ByteKeyTable()
    {
        if (!_ownsMemory) return; // the mapping owns it
        HugePages.Free(_slots);
        HugePages.Free(_keys);
        HugePages.Free(_filter);
        NativeMemory.Free(_arena);
    }

    /// <summary>Trims the arena to its used size and builds the filter once loading is done; no adds after this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Seal()
    {
        _maskIndex = null;
        var words = 64; // at least 4096 bits
        while (words * 64 < Count * 16) words <<= 1; // 16 bits per entry
        HugePages.Free(_filter);
        _filterWords = words;
        _filter = (ulong*)HugePages.Alloc((nuint)words * 8);
        for (var o = 0; o < _capacity; o++)
        {
            var h = _slots[o].Hash;
            if (h == 0) continue;
            var m = Mix(h);
            _filter[(int)(m & (uint)(words - 1))] |= (1UL << (int)(m >> 20)) | (1UL << (int)(m >> 26));
        }
    }

    /// <summary>
    /// Writes the sealed table: sizes and masks, then the arena, slots, inline keys and filter as they are in memory, each
    /// starting on a page boundary of the file so that a mapping of the file can use them in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Save(BinaryWriter w)
    {
        w.Write(_capacity);
        w.Write(Count);
        w.Write(HasSingleLabelKeys);
        w.Write(_filterWords);
        w.Write(_masks.Count);
        foreach (var m in _masks) { w.Write((ulong)(m >> 64)); w.Write((ulong)m); }
        w.Write(_arenaUsed);
        Pad(w);
        w.Write(new ReadOnlySpan<byte>(_arena, checked((int)_arenaUsed)));
        Pad(w);
        w.Write(new ReadOnlySpan<byte>(_slots, checked(_capacity * sizeof(Slot))));
        Pad(w);
        w.Write(new ReadOnlySpan<byte>(_keys, checked(_capacity * InlineKey)));
        Pad(w);
        w.Write(new ReadOnlySpan<byte>(_filter, checked(_filterWords * 8)));
    }

    private const int Page = 4096; // sections of the cache file start on page boundaries

    private static void Pad(BinaryWriter w)
    {
        w.Flush();
        var pad = (int)((Page - w.BaseStream.Position % Page) % Page);
        w.Write(new byte[pad]);
    }

    private static long Skip(BinaryReader r, long bytes, long fileLength)
    {
        var at = r.BaseStream.Position;
        at += (Page - at % Page) % Page;
        if (bytes < 0 || at + bytes > fileLength) throw new InvalidDataException("list cache: truncated");
        r.BaseStream.Position = at + bytes;
        return at;
    }

    /// <summary>
    /// A table written by <see cref="Save"/>, used in place inside <paramref name="mapped"/> (the mapped cache file,
    /// which must outlive the table); every slot is checked to point inside the file before it is used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ByteKeyTable Map(BinaryReader r, MappedFile mapped)
    {
        var file = mapped.Pointer;
        var fileLength = mapped.Length;
        var capacity = r.ReadInt32();
        var count = r.ReadInt32();
        var single = r.ReadBoolean();
        var filterWords = r.ReadInt32();
        var maskCount = r.ReadInt32();
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0 || count < 0 || count > capacity || filterWords <= 0
            || (filterWords & (filterWords - 1)) != 0 || maskCount < 0 || maskCount > ushort.MaxValue + 1)
            throw new InvalidDataException("list cache: bad table header");
        var t = new ByteKeyTable(capacity, mapped) { Count = count, HasSingleLabelKeys = single };
        for (var m = 0; m < maskCount; m++) { var hi = r.ReadUInt64(); var lo = r.ReadUInt64(); t._masks.Add(new UInt128(hi, lo)); }
        var arenaLength = r.ReadInt64();
        t._arena = file + Skip(r, arenaLength, fileLength);
        t._arenaUsed = t._arenaCapacity = arenaLength;
        t._slots = (Slot*)(file + Skip(r, (long)capacity * sizeof(Slot), fileLength));
        t._keys = file + Skip(r, (long)capacity * InlineKey, fileLength);
        t._filterWords = filterWords;
        t._filter = (ulong*)(file + Skip(r, filterWords * 8L, fileLength));
        var slots = t._slots;
        for (var o = 0; o < capacity; o++)
        {
            if (slots[o].Hash != 0 && ((ulong)slots[o].Offset + slots[o].Length > (ulong)arenaLength || slots[o].Mask >= maskCount))
                throw new InvalidDataException("list cache: slot out of range");
        }
        return t;
    }
}

/// <summary>Native allocations on 2 MB boundaries, advised as transparent huge pages on Linux.</summary>
internal static unsafe partial class HugePages
{
    private const nuint Huge = 2 * 1024 * 1024; // x86-64 huge page size
    private const int MadvHugePage = 14; // MADV_HUGEPAGE in linux/mman.h

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);

    public static void* Alloc(nuint bytes)
    {
        var size = (bytes + Huge - 1) & ~(Huge - 1);
        var p = System.Runtime.InteropServices.NativeMemory.AlignedAlloc(size, Huge);
        if (OperatingSystem.IsLinux())
        {
            try { _ = Madvise(p, size, MadvHugePage); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        System.Runtime.InteropServices.NativeMemory.Clear(p, size);
        return p;
    }

    public static void Free(void* p)
    {
        if (p != null) System.Runtime.InteropServices.NativeMemory.AlignedFree(p);
    }
}

/// <summary>
/// A file mapped read-only into memory (Linux: <c>mmap</c> with <c>MAP_POPULATE</c>, so the page cache's pages are
/// used in place with no copy and no zeroing), or read whole into native memory elsewhere. Unmapped when collected.
/// </summary>
internal sealed unsafe partial class MappedFile
{
    private const int ProtRead = 1; // PROT_READ
    private const int MapPrivate = 2; // MAP_PRIVATE
    private const int MapPopulate = 0x8000; // MAP_POPULATE: fault every page in now, in one system call

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);

    private readonly bool _mapped;

    private MappedFile(byte* pointer, long length, bool mapped)
    {
        Pointer = pointer;
        Length = length;
        _mapped = mapped;
    }

    public byte* Pointer { get; }

    public long Length { get; }

    public static MappedFile Open(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        if (length == 0) throw new InvalidDataException("empty file");
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var p = Mmap(null, (nuint)length, ProtRead, MapPrivate | MapPopulate, (int)handle.DangerousGetHandle(), 0);
                if (p != (void*)-1) return new MappedFile((byte*)p, length, mapped: true);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        var buffer = (byte*)NativeMemory.Alloc((nuint)length);
        for (long at = 0; at < length;)
        {
            var n = RandomAccess.Read(handle, new Span<byte>(buffer + at, (int)Math.Min(int.MaxValue, length - at)), at);
            if (n == 0) { NativeMemory.Free(buffer); throw new InvalidDataException("file shrank while being read"); }
            at += n;
        }
        return new MappedFile(buffer, length, mapped: false);
    }

    ~MappedFile()
    {
        if (_mapped) _ = Munmap(Pointer, (nuint)Length);
        else NativeMemory.Free(Pointer);
    }
}
