using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeUse.Monitoring;

/// <summary>Log formats accepted by <c>--format</c>.</summary>
public enum LogFormat
{
    /// <summary>Recognise each file's format from its first lines.</summary>
    Auto,
    /// <summary>Squid native access.log.</summary>
    Squid,
    /// <summary>Squid <c>common</c>.</summary>
    SquidCommon,
    /// <summary>Squid <c>combined</c>.</summary>
    SquidCombined,
    /// <summary>e2guardian <c>logfileformat</c> 2 (CSV), 4 (tabs) or 6 (tabs); the variant is recognised.</summary>
    E2Guardian,
    /// <summary>BIND 9 query log.</summary>
    Bind,
    /// <summary>Unbound with <c>log-queries</c>.</summary>
    Unbound,
    /// <summary>dnsmasq / Pi-hole.</summary>
    Dnsmasq,
}

/// <summary>The parser actually used for a file.</summary>
internal enum Parser { Squid, SquidCommon, E2g2, E2g4, E2g6, Bind, Unbound, Dnsmasq }

/// <summary>One parsed log line: spans into the read buffer, valid until the next line.</summary>
internal ref struct LogLine
{
    public long TimeMs;
    public ReadOnlySpan<byte> Ip;
    public ReadOnlySpan<byte> User;
    public ReadOnlySpan<byte> Url;
    public long Bytes;
    public bool IsDns;
}

/// <summary>Span-based parsers for every format; no allocation per line.</summary>
internal static class LogParsers
{
    public const string ReasonTruncated = "too few fields";
    public const string ReasonTime = "bad time";
    public const string ReasonNumber = "bad number";
    public const string ReasonNotQuery = "not a query line";
    public const string ReasonAuth = "authentication challenge (407)";
    public const string ReasonUrl = "no host in URL";

    private static readonly Regex Squid = new(@"^\d{9,11}\.\d{3} +\d+ ", RegexOptions.CultureInvariant);
    private static readonly Regex E2g6 = new(@"^\d{9,11}(\.\d+)?\t", RegexOptions.CultureInvariant);
    private static readonly Regex E2g4 = new(@"^\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d\t", RegexOptions.CultureInvariant);
    private static readonly Regex E2g2 = new(@"^""\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d"",""", RegexOptions.CultureInvariant);
    private static readonly Regex Bind = new(@"^\d\d-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d", RegexOptions.CultureInvariant);
    private static readonly Regex Common = new(@"^\S+ \S+ \S+ \[\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] """, RegexOptions.CultureInvariant);
    private static readonly Regex Syslog = new(@"^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |\[\d+\] )", RegexOptions.CultureInvariant);

    /// <summary>Recognises the parser from the first lines of a file; null when none fits.</summary>
    public static Parser? Detect(ReadOnlySpan<byte> head, LogFormat requested)
    {
        var checkedLines = 0;
        while (!head.IsEmpty && checkedLines < 20) // 20: enough lines to get past headers and noise
        {
            var nl = head.IndexOf((byte)'\n');
            var line = nl < 0 ? head : head[..nl];
            head = nl < 0 ? default : head[(nl + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.IsEmpty) continue;
            checkedLines++;
            var s = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 512)]); // 512: the patterns look at the line's start
            Parser? p =
                Squid.IsMatch(s) ? Parser.Squid :
                E2g6.IsMatch(s) ? Parser.E2g6 :
                E2g4.IsMatch(s) ? Parser.E2g4 :
                E2g2.IsMatch(s) ? Parser.E2g2 :
                Bind.IsMatch(s) ? Parser.Bind :
                Common.IsMatch(s) ? Parser.SquidCommon :
                Syslog.IsMatch(s) && s.Contains("unbound[", StringComparison.Ordinal) ? Parser.Unbound :
                Syslog.IsMatch(s) && (s.Contains("dnsmasq[", StringComparison.Ordinal) || s.Contains("pihole", StringComparison.Ordinal)) ? Parser.Dnsmasq :
                null;
            if (p is null) continue;
            var fits = requested switch
            {
                LogFormat.Auto => true,
                LogFormat.E2Guardian => p is Parser.E2g2 or Parser.E2g4 or Parser.E2g6,
                _ => true,
            };
            if (fits) return p;
        }
        return requested switch
        {
            LogFormat.Squid => Parser.Squid,
            LogFormat.SquidCommon or LogFormat.SquidCombined => Parser.SquidCommon,
            LogFormat.Bind => Parser.Bind,
            LogFormat.Unbound => Parser.Unbound,
            LogFormat.Dnsmasq => Parser.Dnsmasq,
            _ => null,
        };
    }

    /// <summary>The parser for an explicit format, ignoring detection (except e2guardian's variant).</summary>
    public static Parser? ForFormat(LogFormat f, Parser? detected) => f switch
    {
        LogFormat.Auto => detected,
        LogFormat.Squid => Parser.Squid,
        LogFormat.SquidCommon or LogFormat.SquidCombined => Parser.SquidCommon,
        LogFormat.E2Guardian => detected is Parser.E2g2 or Parser.E2g4 or Parser.E2g6 ? detected : Parser.E2g4,
        LogFormat.Bind => Parser.Bind,
        LogFormat.Unbound => Parser.Unbound,
        LogFormat.Dnsmasq => Parser.Dnsmasq,
        _ => null,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Token(scoped ref ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && s[i] == ' ') i++; // squid pads the elapsed field with spaces
        var rest = s[i..];
        var j = rest.IndexOf((byte)' '); // vectorised: URLs are the long tokens
        if (j < 0) { s = default; return rest; }
        s = rest[j..];
        return rest[..j];
    }

    /// <summary>
    /// Finds the first <paramref name="max"/> space-separated tokens of <paramref name="s"/> (runs of spaces are one
    /// separator, as squid pads its fields), writing start and end of token k to <paramref name="bounds"/>[2k] and
    /// [2k+1]; returns how many were found. 32 bytes at a time: one compare gives every space in the block, and token
    /// starts and ends are the bits where a space follows a non-space or the other way round.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int SpaceTokens(ReadOnlySpan<byte> s, Span<int> bounds, int max)
    {
        var n = 0;
        var prevSpace = true; // the line starts as if after a space
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s);
            var space = Vector256.Create((byte)' ');
            for (; i + 32 <= s.Length; i += 32)
            {
                var spaces = Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)i), space).ExtractMostSignificantBits();
                var before = (spaces << 1) | (prevSpace ? 1u : 0u); // bit k: byte k-1 is a space
                var starts = ~spaces & before;
                var events = starts | (spaces & ~before);
                while (events != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(events);
                    if ((starts & (1u << bit)) != 0)
                    {
                        if (n == max) return n;
                        bounds[2 * n++] = i + bit;
                    }
                    else
                    {
                        bounds[2 * n - 1] = i + bit;
                        if (n == max) return n;
                    }
                    events &= events - 1;
                }
                prevSpace = (spaces >> 31) != 0;
            }
        }
        for (; i < s.Length; i++)
        {
            var isSpace = s[i] == ' ';
            if (!isSpace && prevSpace)
            {
                if (n == max) return n;
                bounds[2 * n++] = i;
            }
            else if (isSpace && !prevSpace)
            {
                bounds[2 * n - 1] = i;
                if (n == max) return n;
            }
            prevSpace = isSpace;
        }
        if (!prevSpace) bounds[2 * n - 1] = s.Length; // the last token runs to the end of the line
        return n;
    }

    private static ReadOnlySpan<byte> Field(scoped ref ReadOnlySpan<byte> s, byte sep)
    {
        var i = s.IndexOf(sep);
        if (i < 0) { var all = s; s = default; return all; }
        var t = s[..i];
        s = s[(i + 1)..];
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ParseLong(ReadOnlySpan<byte> s, out long v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 18) return false; // 18 digits cannot overflow a long
        foreach (var b in s)
        {
            var d = (uint)(b - '0');
            if (d > 9) return false;
            v = v * 10 + d;
        }
        return true;
    }

    /// <summary>"1795344185.756" (any number of fraction digits, or none) to milliseconds.</summary>
    private static bool ParseEpoch(ReadOnlySpan<byte> s, out long ms)
    {
        ms = 0;
        var dot = s.IndexOf((byte)'.');
        if (!ParseLong(dot < 0 ? s : s[..dot], out var secs)) return false;
        long frac = 0;
        if (dot >= 0)
        {
            var f = s[(dot + 1)..];
            if (f.Length > 3) f = f[..3];
            if (!f.IsEmpty && !ParseLong(f, out frac)) return false;
            for (var i = f.Length; i < 3; i++) frac *= 10;
        }
        ms = secs * 1000 + frac;
        return true;
    }

    private static int Month(ReadOnlySpan<byte> m)
    {
        if (m.Length != 3) return 0;
        var k = (Hashing.Lower(m[0]) << 16) | (Hashing.Lower(m[1]) << 8) | Hashing.Lower(m[2]);
        return k switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    private static int Digits(ReadOnlySpan<byte> s, int at, int n)
    {
        if (at + n > s.Length) return -1;
        var v = 0;
        for (var i = at; i < at + n; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    /// <summary>Milliseconds since 1970-01-01 of a civil date and time (no zone applied).</summary>
    private static bool Civil(int y, int mo, int d, int h, int mi, int s, int ms, out long result)
    {
        result = 0;
        if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 60 || ms < 0 || h < 0 || mi < 0 || s < 0)
            return false;
        var days = new DateOnly(y, mo, d).DayNumber - EpochDay;
        result = (((days * 24L + h) * 60 + mi) * 60 + Math.Min(s, 59)) * 1000 + ms;
        return true;
    }

    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>Parses one line (no newline, no CR). Returns null on success or the reason it was skipped.</summary>
    /// <remarks>One method per format: only the formats a run reads are compiled, which keeps a run's start short.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? Parse(Parser parser, ReadOnlySpan<byte> line, LocalClock clock, int year, ref LogLine r)
    {
        r.IsDns = false;
        r.Bytes = 0;
        switch (parser)
        {
            case Parser.Squid:
                return ParseSquid(line, ref r);
            case Parser.SquidCommon:
                return ParseSquidCommon(line, ref r);
            case Parser.E2g2:
            case Parser.E2g4:
                return ParseE2gDelimited(parser, line, clock, ref r);
            case Parser.E2g6:
                return ParseE2g6(line, ref r);
            case Parser.Bind:
                return ParseBind(line, clock, ref r);
            case Parser.Unbound:
            case Parser.Dnsmasq:
                return ParseSyslogDns(parser, line, clock, year, ref r);
            default:
                return ReasonTruncated;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseSquid(ReadOnlySpan<byte> line, ref LogLine r)
    {
        // time elapsed ip code/status bytes method URL user hierarchy type: the first 8 tokens, in one pass.
        Span<int> t = stackalloc int[16];
        if (SpaceTokens(line, t, 8) < 8) return ReasonTruncated;
        var time = line[t[0]..t[1]];
        r.Ip = line[t[4]..t[5]];
        var status = line[t[6]..t[7]];
        var bytes = line[t[8]..t[9]];
        r.Url = line[t[12]..t[13]];
        r.User = line[t[14]..t[15]];
        if (!ParseEpoch(time, out r.TimeMs)) return ReasonTime;
        if (!ParseLong(bytes, out r.Bytes)) return ReasonNumber;
        if (status.EndsWith("/407"u8) && r.User.SequenceEqual("-"u8)) return ReasonAuth;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseSquidCommon(ReadOnlySpan<byte> line, ref LogLine r)
    {
        var s = line;
        r.Ip = Token(ref s);
        Token(ref s); // ident
        r.User = Token(ref s);
        var open = s.IndexOf((byte)'[');
        var close = s.IndexOf((byte)']');
        if (open < 0 || close < open) return ReasonTruncated;
        var t = s[(open + 1)..close];
        // dd/Mon/yyyy:HH:mm:ss +zzzz
        if (t.Length != 26 || !Civil(Digits(t, 7, 4), Month(t[3..6]), Digits(t, 0, 2), Digits(t, 12, 2), Digits(t, 15, 2), Digits(t, 18, 2), 0, out var civil))
            return ReasonTime;
        var zh = Digits(t, 22, 2);
        var zm = Digits(t, 24, 2);
        if (zh < 0 || zm < 0 || (t[21] != '+' && t[21] != '-')) return ReasonTime;
        var offset = (zh * 60 + zm) * 60_000L * (t[21] == '-' ? -1 : 1);
        r.TimeMs = civil - offset;
        s = s[(close + 1)..];
        var q1 = s.IndexOf((byte)'"');
        if (q1 < 0) return ReasonTruncated;
        s = s[(q1 + 1)..];
        var q2 = s.IndexOf((byte)'"');
        if (q2 < 0) return ReasonTruncated;
        var request = s[..q2];
        s = s[(q2 + 1)..];
        Token(ref request); // method
        r.Url = Token(ref request);
        var code = Token(ref s);
        var bytes = Token(ref s);
        if (r.Url.IsEmpty || bytes.IsEmpty) return ReasonTruncated;
        if (!ParseLong(bytes, out r.Bytes) && !bytes.SequenceEqual("-"u8)) return ReasonNumber;
        if (code.SequenceEqual("407"u8) && r.User.SequenceEqual("-"u8)) return ReasonAuth;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseE2gDelimited(Parser parser, ReadOnlySpan<byte> line, LocalClock clock, ref LogLine r)
    {
        var s = line;
        ReadOnlySpan<byte> when, method, size;
        if (parser == Parser.E2g2)
        {
            if (s.Length < 2 || s[0] != '"' || s[^1] != '"') return ReasonTruncated;
            s = s[1..^1];
            when = CsvField(ref s); r.User = CsvField(ref s); r.Ip = CsvField(ref s); r.Url = CsvField(ref s);
            CsvField(ref s); method = CsvField(ref s); size = CsvField(ref s);
        }
        else
        {
            when = Field(ref s, (byte)'\t'); r.User = Field(ref s, (byte)'\t'); r.Ip = Field(ref s, (byte)'\t');
            r.Url = Field(ref s, (byte)'\t'); Field(ref s, (byte)'\t'); method = Field(ref s, (byte)'\t'); size = Field(ref s, (byte)'\t');
        }
        if (size.IsEmpty || r.Url.IsEmpty) return ReasonTruncated;
        // yyyy.MM.dd HH:mm:ss, local time
        if (when.Length != 19 || !Civil(Digits(when, 0, 4), Digits(when, 5, 2), Digits(when, 8, 2), Digits(when, 11, 2), Digits(when, 14, 2), Digits(when, 17, 2), 0, out var local))
            return ReasonTime;
        r.TimeMs = clock.ToUtc(local);
        if (!ParseLong(size, out r.Bytes)) return ReasonNumber;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseE2g6(ReadOnlySpan<byte> line, ref LogLine r)
    {
        var s = line;
        var utime = Field(ref s, (byte)'\t');
        Field(ref s, (byte)'\t'); // server
        r.User = Field(ref s, (byte)'\t');
        r.Ip = Field(ref s, (byte)'\t');
        Field(ref s, (byte)'\t'); // client host
        r.Url = Field(ref s, (byte)'\t');
        Field(ref s, (byte)'\t'); // method
        var code = Field(ref s, (byte)'\t');
        var size = Field(ref s, (byte)'\t');
        if (size.IsEmpty || r.Url.IsEmpty) return ReasonTruncated;
        if (!ParseEpoch(utime, out r.TimeMs)) return ReasonTime;
        if (!ParseLong(size, out r.Bytes)) return ReasonNumber;
        if (code.SequenceEqual("407"u8) && (r.User.SequenceEqual("-"u8) || r.User.IsEmpty)) return ReasonAuth;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseBind(ReadOnlySpan<byte> line, LocalClock clock, ref LogLine r)
    {
        // dd-Mon-yyyy HH:mm:ss.mmm ... client [@0x...] IP#port (qname): [view V: ]query: qname IN TYPE ...
        if (line.Length < 24 || !Civil(Digits(line, 7, 4), Month(line[3..6]), Digits(line, 0, 2), Digits(line, 12, 2), Digits(line, 15, 2), Digits(line, 18, 2), Math.Max(0, Digits(line, 21, 3)), out var local))
            return ReasonTime;
        r.TimeMs = clock.ToUtc(local);
        var c = line.IndexOf(" client "u8);
        if (c < 0) return ReasonNotQuery;
        var s = line[(c + 8)..];
        var tok = Token(ref s);
        if (tok.StartsWith("@"u8)) tok = Token(ref s);
        var hashAt = tok.LastIndexOf((byte)'#');
        r.Ip = hashAt < 0 ? tok : tok[..hashAt];
        var q = s.IndexOf("query: "u8);
        if (q < 0) return ReasonNotQuery;
        s = s[(q + 7)..];
        r.Url = Token(ref s);
        r.User = default;
        r.IsDns = true;
        return r.Url.IsEmpty ? ReasonTruncated : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParseSyslogDns(Parser parser, ReadOnlySpan<byte> line, LocalClock clock, int year, ref LogLine r)
    {
        var s = line;
        if (!SyslogTime(ref s, year, clock, out r.TimeMs)) return ReasonTime;
        r.User = default;
        r.IsDns = true;
        if (parser == Parser.Unbound)
        {
            var info = s.IndexOf("info: "u8);
            if (info < 0) return ReasonNotQuery;
            s = s[(info + 6)..];
            r.Ip = Token(ref s);
            r.Url = Token(ref s);
            var type = Token(ref s);
            var cls = Token(ref s);
            if (cls.IsEmpty || !Token(ref s).IsEmpty || type.IsEmpty) return ReasonNotQuery; // replies and local actions have more fields
            if (r.Url.IsEmpty || r.Url[^1] != '.' || r.Ip.IndexOfAny((byte)'.', (byte)':') < 0) return ReasonNotQuery;
            return null;
        }
        var qi = s.IndexOf("query["u8);
        if (qi < 0) return ReasonNotQuery;
        s = s[(qi + 6)..];
        var rb = s.IndexOf((byte)']');
        if (rb < 0) return ReasonTruncated;
        s = s[(rb + 1)..];
        r.Url = Token(ref s);
        if (!Token(ref s).SequenceEqual("from"u8)) return ReasonTruncated;
        r.Ip = Token(ref s);
        return r.Url.IsEmpty || r.Ip.IsEmpty ? ReasonTruncated : null;
    }

    private static ReadOnlySpan<byte> CsvField(scoped ref ReadOnlySpan<byte> s)
    {
        var i = s.IndexOf("\",\""u8);
        if (i < 0) { var all = s; s = default; return all; }
        var t = s[..i];
        s = s[(i + 3)..];
        return t;
    }

    /// <summary>"Nov 22 10:54:50 " (local, year from --year) or "[epoch] ".</summary>
    private static bool SyslogTime(ref ReadOnlySpan<byte> s, int year, LocalClock clock, out long utcMs)
    {
        utcMs = 0;
        if (s.Length > 2 && s[0] == '[')
        {
            var close = s.IndexOf((byte)']');
            if (close < 0 || !ParseEpoch(s[1..close], out utcMs)) return false;
            s = s[(close + 1)..];
            return true;
        }
        if (s.Length < 16) return false;
        var day = s[4] == ' ' ? Digits(s, 5, 1) : Digits(s, 4, 2);
        if (!Civil(year, Month(s[..3]), day, Digits(s, 7, 2), Digits(s, 10, 2), Digits(s, 13, 2), 0, out var local)) return false;
        utcMs = clock.ToUtc(local);
        s = s[15..];
        return true;
    }

    /// <summary>Where the <c>://</c> after a leading URL scheme (letters, digits, <c>+ - .</c>) is, or -1 when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SchemeEnd(ReadOnlySpan<byte> url)
    {
        for (var i = 0; i < url.Length && i < 40; i++) // 40: longer than any registered scheme
        {
            var c = url[i];
            if (c == ':') return i > 0 && i + 2 < url.Length && url[i + 1] == '/' && url[i + 2] == '/' ? i : -1;
            if (!char.IsAsciiLetterOrDigit((char)c) && c != '+' && c != '-' && c != '.') return -1;
        }
        return -1;
    }

    /// <summary>
    /// Splits a logged URL (absolute URL, <c>host:port</c> of a CONNECT, or a DNS name) into a lower-case host written
    /// to <paramref name="hostBuffer"/> and the path with query (empty when the request has none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool SplitUrl(ReadOnlySpan<byte> url, Span<byte> hostBuffer, out int hostLength, out ReadOnlySpan<byte> pathAndQuery, out bool hasPath)
    {
        hostLength = 0;
        pathAndQuery = default;
        hasPath = false;
        ReadOnlySpan<byte> authority;
        var scheme = SchemeEnd(url);
        if (scheme >= 0)
        {
            var rest = url[(scheme + 3)..];
            var end = rest.IndexOfAny("/?#"u8);
            authority = end < 0 ? rest : rest[..end];
            pathAndQuery = end < 0 ? "/"u8 : rest[end..];
            hasPath = true;
        }
        else authority = url;
        var at = authority.LastIndexOf((byte)'@');
        if (at >= 0) authority = authority[(at + 1)..];
        if (!authority.IsEmpty && authority[0] == '[')
        {
            var rb = authority.IndexOf((byte)']');
            authority = rb < 0 ? authority[1..] : authority[1..rb];
        }
        else
        {
            var colon = authority.IndexOf((byte)':');
            if (colon >= 0) authority = authority[..colon];
        }
        while (!authority.IsEmpty && authority[^1] == '.') authority = authority[..^1];
        if (authority.IsEmpty || authority.Length > hostBuffer.Length) return false;
        if (Ascii.ToLower(authority, hostBuffer, out _) != System.Buffers.OperationStatus.Done) // vectorised; non-ASCII bytes stay as they are
            for (var i = 0; i < authority.Length; i++) hostBuffer[i] = Hashing.Lower(authority[i]);
        hostLength = authority.Length;
        return true;
    }
}
