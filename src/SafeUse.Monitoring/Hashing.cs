using System.Runtime.CompilerServices;

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
    public static ulong Forward(ReadOnlySpan<byte> s, ulong h = Seed)
    {
        foreach (var b in s) h = Step(h, b);
        return h;
    }

    /// <summary>Hash of <paramref name="s"/> read right to left, so every suffix's hash is a prefix of the work.</summary>
    public static ulong Backward(ReadOnlySpan<byte> s)
    {
        var h = Seed;
        for (var i = s.Length - 1; i >= 0; i--) h = Step(h, s[i]);
        return h;
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
/// Open-addressing table from byte keys to a category mask. Keys live in one packed byte arena; slots hold the
/// 64-bit hash (for a cheap first compare) and the entry index (for verification), so a lookup is one or two
/// cache misses and never allocates.
/// </summary>
internal sealed unsafe class ByteKeyTable
{
    /// <summary>A slot: the key's hash (0 = empty) and its entry, together so a probe is one cache line.</summary>
    private struct Slot
    {
        public ulong Hash;
        public int Entry;
    }

    /// <summary>An entry: where its key is in the arena, and its categories, together for one cache miss.</summary>
    private struct Entry
    {
        public UInt128 Categories;
        public int Offset;
        public int Length;
    }

    private Slot* _slots; // native, 2 MB aligned and advised as huge pages: random probes then miss the TLB far less
    private int _capacity;
    private int _mask;
    private int _shift; // 64 - log2(capacity): the slot is the top bits of hash * golden ratio (FNV's low bits mix poorly)

    private const ulong Golden = 0x9E3779B97F4A7C15UL; // 2^64 / golden ratio, for Fibonacci hashing

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong hash) => (int)((hash * Golden) >> _shift);
    private byte[] _arena;
    private int _arenaUsed;
    private Entry[] _entries;

    // A one-bit-per-hash filter, 16 bits per entry (about 6% false positives), small enough to stay in cache,
    // so most lookups of unlisted suffixes never touch the large slot arrays.
    private ulong* _filter; // native huge pages too: it is probed at random for every host suffix
    private int _filterMask;

    public ByteKeyTable(int expected)
    {
        // Power-of-two capacity at most half full keeps linear probes short.
        var capacity = 16;
        while (capacity < expected * 2) capacity <<= 1;
        _slots = (Slot*)HugePages.Alloc((nuint)capacity * (nuint)sizeof(Slot));
        _capacity = capacity;
        _mask = capacity - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
        _entries = new Entry[Math.Max(16, expected + expected / 8)]; // 1/8 spare: shards are only roughly half
        _arena = new byte[Math.Max(1024, expected * 20)]; // 20: above a typical listed domain's length, grown on demand
    }

    public int Count { get; private set; }

    /// <summary>True when some key has no dot (a bare TLD or single-label name), so single-label lookups are needed.</summary>
    public bool HasSingleLabelKeys { get; private set; }

    /// <summary>Adds <paramref name="key"/> (already lower case) with hash <paramref name="hash"/> or ORs its categories.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> key, ulong hash, UInt128 categories)
    {
        hash = Hashing.NonZero(hash);
        var i = Home(hash);
        while (true)
        {
            var slot = _slots + i;
            if (slot->Hash == 0) break;
            if (slot->Hash == hash)
            {
                ref var e = ref _entries[slot->Entry];
                if (_arena.AsSpan(e.Offset, e.Length).SequenceEqual(key))
                {
                    e.Categories |= categories;
                    return;
                }
            }
            i = (i + 1) & _mask;
        }
        if (Count * 2 >= _capacity) { Grow(); Add(key, hash, categories); return; }
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        if (_arenaUsed + key.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + key.Length));
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _entries[Count] = new Entry { Offset = _arenaUsed, Length = key.Length, Categories = categories };
        _arenaUsed += key.Length;
        _slots[i] = new Slot { Hash = hash, Entry = Count };
        if (key.IndexOf((byte)'.') < 0) HasSingleLabelKeys = true;
        Count++;
    }

    private void Grow()
    {
        var old = _slots;
        var oldCapacity = _capacity;
        _capacity *= 2;
        _slots = (Slot*)HugePages.Alloc((nuint)_capacity * (nuint)sizeof(Slot));
        _mask = _capacity - 1;
        _shift--;
        for (var o = 0; o < oldCapacity; o++)
        {
            var s = old[o];
            if (s.Hash == 0) continue;
            var i = Home(s.Hash);
            while (_slots[i].Hash != 0) i = (i + 1) & _mask;
            _slots[i] = s;
        }
        HugePages.Free(old);
    }

    /// <summary>The categories of <paramref name="key"/> (compared ignoring ASCII case), or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public UInt128 Find(ReadOnlySpan<byte> key, ulong hash)
    {
        hash = Hashing.NonZero(hash);
        if (_filter != null)
        {
            var b = (int)(hash >> 32) & _filterMask;
            if ((_filter[b >> 6] & (1UL << b)) == 0) return UInt128.Zero;
        }
        var slots = _slots;
        var i = Home(hash);
        while (true)
        {
            var slot = slots + i;
            if (slot->Hash == 0) return UInt128.Zero;
            if (slot->Hash == hash)
            {
                ref var e = ref _entries[slot->Entry];
                if (Hashing.EqualsLowered(_arena.AsSpan(e.Offset, e.Length), key)) return e.Categories;
            }
            i = (i + 1) & _mask;
        }
    }

    /// <summary>For aliases (symbolic links to the same folder): every entry in <paramref name="from"/> also gets <paramref name="to"/>.</summary>
    public void Alias(UInt128 from, UInt128 to)
    {
        for (var e = 0; e < Count; e++)
            if ((_entries[e].Categories & from) != UInt128.Zero) _entries[e].Categories |= to;
    }

    ~ByteKeyTable()
    {
        HugePages.Free(_slots);
        HugePages.Free(_filter);
    }

    /// <summary>Trims the arena to its used size and builds the filter once loading is done.</summary>
    public void Seal()
    {
        Array.Resize(ref _arena, Math.Max(1, _arenaUsed));
        var bits = 1 << 12; // at least 4096 bits
        while (bits < Count * 16) bits <<= 1; // 16 bits per entry
        HugePages.Free(_filter);
        _filter = (ulong*)HugePages.Alloc((nuint)(bits / 8));
        _filterMask = bits - 1;
        for (var o = 0; o < _capacity; o++)
        {
            var s = _slots[o];
            if (s.Hash == 0) continue;
            var b = (int)(s.Hash >> 32) & _filterMask;
            _filter[b >> 6] |= 1UL << b;
        }
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
