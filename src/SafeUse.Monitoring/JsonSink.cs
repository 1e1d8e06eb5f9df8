using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace SafeUse.Monitoring;

/// <summary>A growable UTF-8 byte buffer with just enough JSON writing for hit lines.</summary>
internal sealed class JsonSink
{
    private byte[] _buf;

    /// <summary>A sink for a chunk's hits (64 KB: a typical chunk's hits without regrowth), or for one small value.</summary>
    public JsonSink(int capacity = 64 * 1024) => _buf = new byte[capacity];

    public int Length { get; set; }

    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary><paramref name="s"/> as a JSON string, quotes included.</summary>
    public static byte[] Render(ReadOnlySpan<byte> s)
    {
        var sink = new JsonSink(s.Length + 16);
        sink.String(s);
        return sink.Written.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Take(int n)
    {
        if (Length + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Length + n));
        return _buf.AsSpan(Length, n);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Raw(ReadOnlySpan<byte> s)
    {
        s.CopyTo(Take(s.Length));
        Length += s.Length;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Long(long v)
    {
        v.TryFormat(Take(20), out var n, default, CultureInfo.InvariantCulture); // 20: digits of long.MinValue
        Length += n;
    }

    private long _day = long.MinValue;
    private readonly byte[] _date = new byte[11]; // "yyyy-MM-ddT", cached per day

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> for UTC <paramref name="utcMs"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Time(long utcMs)
    {
        const long DayMs = 86_400_000; // milliseconds per day
        var day = utcMs >= 0 ? utcMs / DayMs : (utcMs - DayMs + 1) / DayMs;
        if (day != _day)
        {
            _day = day;
            DateTimeOffset.FromUnixTimeMilliseconds(day * DayMs).UtcDateTime.TryFormat(_date, out _, "yyyy-MM-dd'T'", CultureInfo.InvariantCulture);
        }
        var ms = (int)(utcMs - day * DayMs);
        var t = Take(24); // "yyyy-MM-ddTHH:mm:ss.fffZ"
        _date.CopyTo(t);
        Two(t, 11, ms / 3_600_000);
        t[13] = (byte)':';
        Two(t, 14, ms / 60_000 % 60);
        t[16] = (byte)':';
        Two(t, 17, ms / 1000 % 60);
        t[19] = (byte)'.';
        t[20] = (byte)('0' + ms % 1000 / 100);
        Two(t, 21, ms % 100);
        t[23] = (byte)'Z';
        Length += 24;
    }

    private static void Two(Span<byte> t, int at, int v)
    {
        t[at] = (byte)('0' + v / 10);
        t[at + 1] = (byte)('0' + v % 10);
    }

    /// <summary>
    /// Where the first byte JSON must escape (a control character, a quote or a backslash) is, or -1: 32 bytes at a
    /// time. Written out rather than through <c>SearchValues</c>, whose generic search runs unoptimised code for the
    /// first part of every run until the runtime recompiles it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstToEscape(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && s.Length >= 32)
        {
            var control = System.Runtime.Intrinsics.Vector256.Create((byte)0x20);
            var quote = System.Runtime.Intrinsics.Vector256.Create((byte)'"');
            var backslash = System.Runtime.Intrinsics.Vector256.Create((byte)'\\');
            ref var start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s);
            for (; i + 32 <= s.Length; i += 32)
            {
                var v = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref start, (nuint)i);
                var hits = System.Runtime.Intrinsics.Vector256.LessThan(v, control) // unsigned for bytes
                    | System.Runtime.Intrinsics.Vector256.Equals(v, quote) | System.Runtime.Intrinsics.Vector256.Equals(v, backslash);
                if (hits != System.Runtime.Intrinsics.Vector256<byte>.Zero)
                    return i + System.Numerics.BitOperations.TrailingZeroCount(System.Runtime.Intrinsics.Vector256.ExtractMostSignificantBits(hits));
            }
        }
        for (; i < s.Length; i++)
        {
            var b = s[i];
            if (b < 0x20 || b == '"' || b == '\\') return i;
        }
        return -1;
    }

    public void String(string? s)
    {
        if (s is null) { Raw("null"u8); return; }
        String(Encoding.UTF8.GetBytes(s));
    }

    /// <summary>Writes a JSON string; invalid UTF-8 becomes U+FFFD so the output is always valid JSON.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void String(ReadOnlySpan<byte> s, bool closeQuote = true)
    {
        if (!Utf8.IsValid(s))
        {
            String(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s)), closeQuote);
            return;
        }
        Raw("\""u8);
        var first = FirstToEscape(s); // most strings need no escaping at all
        if (first < 0)
        {
            Raw(s);
            if (closeQuote) Raw("\""u8);
            return;
        }
        var start = 0;
        for (var i = first; i < s.Length; i++)
        {
            var b = s[i];
            if (b >= 0x20 && b != '"' && b != '\\') continue;
            Raw(s[start..i]);
            start = i + 1;
            switch (b)
            {
                case (byte)'"': Raw("\\\""u8); break;
                case (byte)'\\': Raw("\\\\"u8); break;
                case (byte)'\n': Raw("\\n"u8); break;
                case (byte)'\r': Raw("\\r"u8); break;
                case (byte)'\t': Raw("\\t"u8); break;
                default:
                    Raw("\\u00"u8);
                    Raw([(byte)"0123456789abcdef"[b >> 4], (byte)"0123456789abcdef"[b & 15]]);
                    break;
            }
        }
        Raw(s[start..]);
        if (closeQuote) Raw("\""u8);
    }
}
