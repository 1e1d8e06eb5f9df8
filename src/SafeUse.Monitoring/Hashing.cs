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
internal sealed class ByteKeyTable
{
    private ulong[] _slotHash;
    private int[] _slotEntry;
    private int _mask;
    private byte[] _arena;
    private int _arenaUsed;
    private int[] _entryOffset;
    private int[] _entryLength;
    private UInt128[] _entryCategories;

    // A one-bit-per-hash filter, 16 bits per entry (about 6% false positives), small enough to stay in cache,
    // so most lookups of unlisted suffixes never touch the large slot arrays.
    private ulong[] _filter = [];
    private int _filterMask;

    public ByteKeyTable(int expected)
    {
        // Power-of-two capacity at most half full keeps linear probes short.
        var capacity = 16;
        while (capacity < expected * 2) capacity <<= 1;
        _slotHash = new ulong[capacity];
        _slotEntry = new int[capacity];
        _mask = capacity - 1;
        var entries = Math.Max(16, expected);
        _entryOffset = new int[entries];
        _entryLength = new int[entries];
        _entryCategories = new UInt128[entries];
        _arena = new byte[Math.Max(1024, expected * 16)]; // 16: a typical listed domain's length, grown on demand
    }

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="key"/> (already lower case) with hash <paramref name="hash"/> or ORs its categories.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> key, ulong hash, UInt128 categories)
    {
        hash = Hashing.NonZero(hash);
        var i = (int)hash & _mask;
        while (true)
        {
            var h = _slotHash[i];
            if (h == 0) break;
            if (h == hash)
            {
                var e = _slotEntry[i];
                if (_arena.AsSpan(_entryOffset[e], _entryLength[e]).SequenceEqual(key))
                {
                    _entryCategories[e] |= categories;
                    return;
                }
            }
            i = (i + 1) & _mask;
        }
        if (Count * 2 >= _slotHash.Length) { Grow(); Add(key, hash, categories); return; }
        if (Count == _entryOffset.Length)
        {
            Array.Resize(ref _entryOffset, Count * 2);
            Array.Resize(ref _entryLength, Count * 2);
            Array.Resize(ref _entryCategories, Count * 2);
        }
        if (_arenaUsed + key.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + key.Length));
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _entryOffset[Count] = _arenaUsed;
        _entryLength[Count] = key.Length;
        _entryCategories[Count] = categories;
        _arenaUsed += key.Length;
        _slotHash[i] = hash;
        _slotEntry[i] = Count;
        Count++;
    }

    private void Grow()
    {
        var oldHash = _slotHash;
        var oldEntry = _slotEntry;
        _slotHash = new ulong[oldHash.Length * 2];
        _slotEntry = new int[oldHash.Length * 2];
        _mask = _slotHash.Length - 1;
        for (var s = 0; s < oldHash.Length; s++)
        {
            if (oldHash[s] == 0) continue;
            var i = (int)oldHash[s] & _mask;
            while (_slotHash[i] != 0) i = (i + 1) & _mask;
            _slotHash[i] = oldHash[s];
            _slotEntry[i] = oldEntry[s];
        }
    }

    /// <summary>The categories of <paramref name="key"/> (compared ignoring ASCII case), or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public UInt128 Find(ReadOnlySpan<byte> key, ulong hash)
    {
        hash = Hashing.NonZero(hash);
        if (_filter.Length != 0)
        {
            var b = (int)(hash >> 32) & _filterMask;
            if ((_filter[b >> 6] & (1UL << b)) == 0) return UInt128.Zero;
        }
        var slots = _slotHash;
        var i = (int)hash & _mask;
        while (true)
        {
            var h = slots[i];
            if (h == 0) return UInt128.Zero;
            if (h == hash)
            {
                var e = _slotEntry[i];
                if (Hashing.EqualsLowered(_arena.AsSpan(_entryOffset[e], _entryLength[e]), key)) return _entryCategories[e];
            }
            i = (i + 1) & _mask;
        }
    }

    /// <summary>For aliases (symbolic links to the same folder): every entry in <paramref name="from"/> also gets <paramref name="to"/>.</summary>
    public void Alias(UInt128 from, UInt128 to)
    {
        for (var e = 0; e < Count; e++)
            if ((_entryCategories[e] & from) != UInt128.Zero) _entryCategories[e] |= to;
    }

    /// <summary>Trims the arena to its used size and builds the filter once loading is done.</summary>
    public void Seal()
    {
        Array.Resize(ref _arena, Math.Max(1, _arenaUsed));
        var bits = 1 << 12; // at least 4096 bits
        while (bits < Count * 16) bits <<= 1; // 16 bits per entry
        _filter = new ulong[bits / 64];
        _filterMask = bits - 1;
        foreach (var h in _slotHash)
        {
            if (h == 0) continue;
            var b = (int)(h >> 32) & _filterMask;
            _filter[b >> 6] |= 1UL << b;
        }
    }
}
