using System.Buffers;
using System.Text;

namespace SafeUse.Monitoring;

/// <summary>Search-engine query extraction and word-boundary phrase matching.</summary>
public static class SearchText
{
    /// <summary>
    /// The decoded search text of a request, or null when the URL is not a search on a known engine.
    /// <paramref name="host"/> is lower case; <paramref name="pathAndQuery"/> starts at the path.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static string? Extract(ReadOnlySpan<byte> host, ReadOnlySpan<byte> pathAndQuery)
    {
        var q = pathAndQuery.IndexOf((byte)'?');
        if (q < 0) return null;
        var path = pathAndQuery[..q];
        var query = pathAndQuery[(q + 1)..];
        var hash = query.IndexOf((byte)'#');
        if (hash >= 0) query = query[..hash];
        ReadOnlySpan<byte> param;
        if (IsEngine(host, "google"u8, anyTld: true)) { if (!path.SequenceEqual("/search"u8)) return null; param = "q"u8; }
        else if (IsEngine(host, "bing.com"u8, false)) { if (!path.SequenceEqual("/search"u8)) return null; param = "q"u8; }
        else if (IsEngine(host, "duckduckgo.com"u8, false)) param = "q"u8;
        else if (IsEngine(host, "youtube.com"u8, false)) { if (!path.SequenceEqual("/results"u8)) return null; param = "search_query"u8; }
        else if (IsEngine(host, "yahoo.com"u8, false)) { if (!path.StartsWith("/search"u8)) return null; param = "p"u8; }
        else if (IsEngine(host, "ecosia.org"u8, false)) { if (!path.SequenceEqual("/search"u8)) return null; param = "q"u8; }
        else if (IsEngine(host, "yandex"u8, anyTld: true)) param = "text"u8;
        else return null;

        while (!query.IsEmpty)
        {
            var amp = query.IndexOf((byte)'&');
            var pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            var eq = pair.IndexOf((byte)'=');
            if (eq < 0 || !pair[..eq].SequenceEqual(param)) continue;
            var text = Decode(pair[(eq + 1)..]);
            return text.Length == 0 ? null : text;
        }
        return null;
    }

    /// <summary>
    /// True when <paramref name="host"/> is <paramref name="name"/> or a subdomain of it; with
    /// <paramref name="anyTld"/>, <paramref name="name"/> is a label followed by one or two TLD labels (google.co.uk).
    /// </summary>
    private static bool IsEngine(ReadOnlySpan<byte> host, ReadOnlySpan<byte> name, bool anyTld)
    {
        if (!anyTld) return host.SequenceEqual(name) || (host.EndsWith(name) && host[^(name.Length + 1)] == '.');
        var start = 0;
        while (true)
        {
            var i = host[start..].IndexOf(name);
            if (i < 0) return false;
            i += start;
            var end = i + name.Length;
            if ((i == 0 || host[i - 1] == '.') && end < host.Length && host[end] == '.')
            {
                var dots = host[(end + 1)..].Count((byte)'.');
                if (dots <= 1) return true; // com, de, co.uk, com.au
            }
            start = i + 1;
        }
    }

    /// <summary>Percent-decodes as UTF-8 with <c>+</c> as a space, lower-cases and collapses spaces.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static string Decode(ReadOnlySpan<byte> value)
    {
        var buf = ArrayPool<byte>.Shared.Rent(value.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var b = value[i];
                if (b == '+') b = (byte)' ';
                else if (b == (byte)'%' && i + 2 < value.Length && Hex(value[i + 1]) >= 0 && Hex(value[i + 2]) >= 0)
                {
                    b = (byte)(Hex(value[i + 1]) * 16 + Hex(value[i + 2]));
                    i += 2;
                }
                buf[n++] = b;
            }
            return NormalisePhrase(Encoding.UTF8.GetString(buf, 0, n));
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Lower case, whitespace runs collapsed to one space, trimmed.</summary>
    public static string NormalisePhrase(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// True when <paramref name="phrase"/> occurs in <paramref name="text"/> (both normalised) with a word boundary on
    /// both sides: the start or end of the text, or a character that is not a letter or digit.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool ContainsPhrase(string text, string phrase)
    {
        if (phrase.Length == 0) return false;
        var from = 0;
        while (from <= text.Length - phrase.Length)
        {
            var i = text.IndexOf(phrase, from, StringComparison.Ordinal);
            if (i < 0) return false;
            var end = i + phrase.Length;
            var before = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            var after = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (before && after) return true;
            from = i + 1;
        }
        return false;
    }
}
