using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace SafeUse.Monitoring;

/// <summary>A growable UTF-8 byte buffer with just enough JSON writing for hit lines.</summary>
internal sealed class JsonSink
{
    private byte[] _buf = new byte[64 * 1024]; // 64 KB: typical chunk's hits without regrowth

    public int Length { get; set; }

    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, Length);

    public void Clear() => Length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Take(int n)
    {
        if (Length + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Length + n));
        return _buf.AsSpan(Length, n);
    }

    public void Raw(ReadOnlySpan<byte> s)
    {
        s.CopyTo(Take(s.Length));
        Length += s.Length;
    }

    public void Long(long v)
    {
        v.TryFormat(Take(20), out var n, default, CultureInfo.InvariantCulture); // 20: digits of long.MinValue
        Length += n;
    }

    public void Time(long utcMs)
    {
        DateTimeOffset.FromUnixTimeMilliseconds(utcMs).UtcDateTime.TryFormat(Take(32), out var n, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Length += n;
    }

    public void String(string? s)
    {
        if (s is null) { Raw("null"u8); return; }
        String(Encoding.UTF8.GetBytes(s));
    }

    /// <summary>Writes a JSON string; invalid UTF-8 becomes U+FFFD so the output is always valid JSON.</summary>
    public void String(ReadOnlySpan<byte> s)
    {
        if (!Utf8.IsValid(s))
        {
            String(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s)));
            return;
        }
        Raw("\""u8);
        var start = 0;
        for (var i = 0; i < s.Length; i++)
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
        Raw("\""u8);
    }
}
