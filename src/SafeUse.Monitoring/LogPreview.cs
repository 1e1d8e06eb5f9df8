using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SafeUse.Monitoring;

/// <summary>One line of a <see cref="LogPreview"/>: what the parser read from it, or why it was skipped.</summary>
/// <param name="Number">1-based line number in the preview.</param>
/// <param name="Reason">Why the line was skipped, or null when it parsed.</param>
/// <param name="Time">The request's time (UTC), when parsed.</param>
/// <param name="Ip">Client IP, when the line has one.</param>
/// <param name="User">Log user, when the line has one.</param>
/// <param name="Url">URL or host asked for, when parsed.</param>
public sealed record PreviewLine(int Number, string? Reason, DateTimeOffset? Time, string? Ip, string? User, string? Url);

/// <summary>Reads the first lines of a log as a run would, for a person checking a log source before it is used.</summary>
public static class LogPreview
{
    /// <summary>
    /// The recognised format's name (null when none is) and up to <paramref name="maxLines"/> lines of
    /// <paramref name="head"/>, each parsed or with the reason it would be skipped.
    /// </summary>
    public static (string? Format, IReadOnlyList<PreviewLine> Lines) Read(ReadOnlySpan<byte> head, LogFormat format, TimeZoneInfo zone, int year, int maxLines = 20)
    {
        var parser = LogParsers.ForFormat(format, LogParsers.Detect(head, format));
        var lines = new List<PreviewLine>();
        var clock = new LocalClock(zone);
        var number = 0;
        while (!head.IsEmpty && lines.Count < maxLines)
        {
            var nl = head.IndexOf((byte)'\n');
            var line = (nl < 0 ? head : head[..nl]).TrimEnd((byte)'\r');
            head = nl < 0 ? default : head[(nl + 1)..];
            number++;
            if (line.IsEmpty) continue;
            if (parser is not { } p)
            {
                lines.Add(new PreviewLine(number, "log format not recognised", null, null, null, null));
                continue;
            }
            var r = default(LogLine);
            var reason = LogParsers.Parse(p, line, clock, year, ref r);
            lines.Add(reason is not null
                ? new PreviewLine(number, reason, null, null, null, null)
                : new PreviewLine(number, null, DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs), Text(r.Ip), Text(r.User), Text(r.Url)));
        }
        return (parser is { } found ? Name(found) : null, lines);
    }

    private static string? Text(ReadOnlySpan<byte> s) => s.IsEmpty || s.SequenceEqual("-"u8) ? null : Encoding.UTF8.GetString(s);

    private static string Name(Parser p) => p switch
    {
        Parser.Squid => "squid (native)",
        Parser.SquidCommon => "squid (common or combined)",
        Parser.E2g2 => "e2guardian (log format 2, CSV)",
        Parser.E2g4 => "e2guardian (log format 4, tabs)",
        Parser.E2g6 => "e2guardian (log format 6, tabs)",
        Parser.Bind => "BIND query log",
        Parser.Unbound => "unbound",
        Parser.Dnsmasq => "dnsmasq or Pi-hole",
        _ => p.ToString(),
    };
}

/// <summary>Which file an open handle is, across renames: its device and inode.</summary>
public static unsafe partial class FileIdentity
{
    private const int AtEmptyPath = 0x1000; // AT_EMPTY_PATH: statx the descriptor itself
    private const uint StatxIno = 0x100; // STATX_INO
    private const int StatxSize = 256; // struct statx is 256 bytes on every architecture
    private const int InoOffset = 32; // stx_ino
    private const int DevMajorOffset = 136; // stx_dev_major, then stx_dev_minor

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>
    /// The device and inode of the open file, or null where they cannot be read (not Linux, or a C library without
    /// statx, which glibc has had since 2.28). statx is used because its layout, unlike stat's, is the same on every
    /// architecture.
    /// </summary>
    public static (ulong Device, ulong Inode)? Of(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = stackalloc byte[StatxSize];
        new Span<byte>(buffer, StatxSize).Clear();
        try
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, buffer) != 0) return null;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        var ino = *(ulong*)(buffer + InoOffset);
        var major = *(uint*)(buffer + DevMajorOffset);
        var minor = *(uint*)(buffer + DevMajorOffset + 4);
        return (((ulong)major << 32) | minor, ino);
    }
}
