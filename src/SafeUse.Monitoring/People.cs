using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeUse.Monitoring;

/// <summary>A person as the people file names them.</summary>
/// <param name="User">The user as logs name them.</param>
/// <param name="Role">Role, lower case (staff, pupil...).</param>
/// <param name="Name">Display name.</param>
/// <param name="School">School.</param>
public sealed record Person(string User, string Role, string Name, string School)
{
    internal byte[] RoleUtf8 { get; } = Encoding.UTF8.GetBytes(Role);

    /// <summary>The role as a JSON string, quotes included, rendered once.</summary>
    internal byte[] RoleJson { get; } = JsonSink.Render(Encoding.UTF8.GetBytes(Role));

    /// <summary>The hash that identifies this person's bytes-over totals: their user without domain or realm, any case.</summary>
    internal ulong Key { get; } = Hashing.Forward(People.StripUser(Encoding.UTF8.GetBytes(User)));

    /// <summary>Index of <see cref="Role"/> in <see cref="People.Roles"/>, so rules test roles without comparing strings.</summary>
    internal int RoleId { get; init; }
}

/// <summary>People, looked up by log user ignoring case, a <c>DOMAIN\</c> prefix and an <c>@realm</c> suffix.</summary>
public sealed class People
{
    private readonly Dictionary<ulong, Person> _byHash = [];

    /// <summary>Everyone, in file order.</summary>
    public IReadOnlyList<Person> All { get; private init; } = [];

    /// <summary>The distinct roles, in order of first appearance; <see cref="Person.RoleId"/> indexes this.</summary>
    public IReadOnlyList<string> Roles { get; private init; } = [];

    /// <summary>An empty people list.</summary>
    public static People Empty { get; } = new();

    /// <summary>Loads <c>user,role,name,school</c> CSV.</summary>
    /// <exception cref="MonitoringConfigException">Bad header, column count or empty user/role.</exception>
    public static People Load(string path)
    {
        var lines = ReadLines(path, "--people");
        var header = Csv.Split(lines.Length > 0 ? lines[0] : "");
        if (header.Count < 2 || header[0].Trim() != "user" || header[1].Trim() != "role")
            throw new MonitoringConfigException(path, 1, "header", "expected 'user,role,name,school'");
        var all = new List<Person>();
        var roles = new List<string>();
        var people = new People { All = all, Roles = roles };
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var f = Csv.Split(lines[i]);
            if (f.Count != header.Count) throw new MonitoringConfigException(path, i + 1, "columns", $"{f.Count} fields, header has {header.Count}");
            if (f[0].Trim().Length == 0) throw new MonitoringConfigException(path, i + 1, "user", "empty");
            if (f[1].Trim().Length == 0) throw new MonitoringConfigException(path, i + 1, "role", "empty");
            var role = f[1].Trim().ToLowerInvariant();
            var roleId = roles.IndexOf(role);
            if (roleId < 0) { roleId = roles.Count; roles.Add(role); }
            var p = new Person(f[0].Trim(), role, f.Count > 2 ? f[2] : "", f.Count > 3 ? f[3] : "") { RoleId = roleId };
            all.Add(p);
            var key = Hashing.Forward(Encoding.UTF8.GetBytes(p.User));
            if (!people._byHash.TryAdd(key, p)) throw new MonitoringConfigException(path, i + 1, "user", $"duplicate user '{p.User}'");
        }
        return people;
    }

    /// <summary>People from another store (the web app's staff and pupils); a repeated user keeps its first person.</summary>
    public static People Create(IEnumerable<Person> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var all = new List<Person>();
        var roles = new List<string>();
        var result = new People { All = all, Roles = roles };
        foreach (var given in people)
        {
            var role = given.Role.Trim().ToLowerInvariant();
            var roleId = roles.IndexOf(role);
            if (roleId < 0) { roleId = roles.Count; roles.Add(role); }
            var p = new Person(given.User, role, given.Name, given.School) { RoleId = roleId };
            if (result._byHash.TryAdd(Hashing.Forward(Encoding.UTF8.GetBytes(p.User)), p)) all.Add(p);
        }
        return result;
    }

    internal static string[] ReadLines(string path, string option)
    {
        try { return File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new MonitoringConfigException(path, 0, option, e.Message); }
    }

    /// <summary>The person for log user <paramref name="user"/>, or null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public Person? Find(ReadOnlySpan<byte> user)
    {
        if (_byHash.Count == 0 || user.IsEmpty) return null;
        if (_byHash.TryGetValue(Hashing.Forward(user), out var p)) return p;
        var stripped = StripUser(user);
        return stripped.Length != user.Length && _byHash.TryGetValue(Hashing.Forward(stripped), out p) ? p : null;
    }

    /// <summary>The user without a <c>DOMAIN\</c> (or URL-encoded <c>DOMAIN%5C</c>) prefix or <c>@realm</c> suffix.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<byte> StripUser(ReadOnlySpan<byte> user)
    {
        var bs = user.LastIndexOf((byte)'\\');
        if (bs >= 0) user = user[(bs + 1)..];
        else
        {
            var enc = user.IndexOf("%5"u8);
            if (enc >= 0 && enc + 2 < user.Length && (user[enc + 2] | 0x20) == 'c') user = user[(enc + 3)..];
        }
        var at = user.IndexOf((byte)'@');
        if (at >= 0) user = user[..at];
        return user;
    }
}

/// <summary>Time-bounded IP to user map (<c>ip,user,from,to</c>); <c>from &lt;= t &lt; to</c>, empty <c>to</c> is open.</summary>
public sealed class IpMap
{
    private readonly Dictionary<ulong, List<(long From, long To, string User, byte[] UserBytes)>> _byIp = [];

    /// <summary>An empty map.</summary>
    public static IpMap Empty { get; } = new();

    /// <summary>Loads the map; times without a zone are in <paramref name="zone"/>.</summary>
    /// <exception cref="MonitoringConfigException">Bad header, column count, IP or time.</exception>
    public static IpMap Load(string path, TimeZoneInfo zone)
    {
        var lines = People.ReadLines(path, "--ip-map");
        var header = Csv.Split(lines.Length > 0 ? lines[0] : "").Select(h => h.Trim()).ToArray();
        if (!header.SequenceEqual(["ip", "user", "from", "to"])) throw new MonitoringConfigException(path, 1, "header", "expected 'ip,user,from,to'");
        var map = new IpMap();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var f = Csv.Split(lines[i]).Select(x => x.Trim()).ToArray();
            if (f.Length != 4) throw new MonitoringConfigException(path, i + 1, "columns", $"{f.Length} fields, expected 4");
            if (!System.Net.IPAddress.TryParse(f[0], out _)) throw new MonitoringConfigException(path, i + 1, "ip", $"'{f[0]}' is not an IP address");
            if (f[1].Length == 0) throw new MonitoringConfigException(path, i + 1, "user", "empty");
            var from = ParseTime(f[2], zone) ?? throw new MonitoringConfigException(path, i + 1, "from", $"'{f[2]}' is not an ISO 8601 time");
            var to = f[3].Length == 0 ? long.MaxValue : ParseTime(f[3], zone) ?? throw new MonitoringConfigException(path, i + 1, "to", $"'{f[3]}' is not an ISO 8601 time");
            if (to <= from) throw new MonitoringConfigException(path, i + 1, "to", "not after from");
            var key = Hashing.Forward(Encoding.ASCII.GetBytes(f[0]));
            if (!map._byIp.TryGetValue(key, out var list)) map._byIp[key] = list = [];
            list.Add((from, to, f[1], Encoding.UTF8.GetBytes(f[1])));
        }
        foreach (var list in map._byIp.Values) list.Sort((a, b) => a.From.CompareTo(b.From));
        return map;
    }

    private static readonly Regex HasZone = new(@"(Z|[+-]\d\d(:?\d\d)?)$", RegexOptions.CultureInvariant);

    /// <summary>Milliseconds since the Unix epoch (UTC), or null.</summary>
    internal static long? ParseTime(string s, TimeZoneInfo zone)
    {
        if (HasZone.IsMatch(s) && s.Contains('T', StringComparison.Ordinal))
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto) ? dto.ToUnixTimeMilliseconds() : null;
        if (!DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    /// <summary>The user of <paramref name="ip"/> at <paramref name="timeMs"/>, or an empty span.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Find(ReadOnlySpan<byte> ip, long timeMs, out string? user)
    {
        user = null;
        if (_byIp.Count == 0 || !_byIp.TryGetValue(Hashing.Forward(ip), out var list)) return default;
        // The last row that started at or before t wins, if t is before its end.
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var r = list[i];
            if (r.From <= timeMs && timeMs < r.To) { user = r.User; return r.UserBytes; }
        }
        return default;
    }
}

/// <summary>Minimal CSV field splitting with double-quote quoting.</summary>
internal static class Csv
{
    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString().TrimEnd('\r'));
        return fields;
    }
}

/// <summary>Conversions between UTC and the rules' local time, cached per 15-minute block (one instance per thread).</summary>
internal sealed class LocalClock(TimeZoneInfo zone)
{
    private const long BlockMs = 15 * 60_000; // zone offsets change on quarter-hour boundaries
    private long _utcStart = long.MinValue, _utcOffset; // the cached block's first UTC millisecond, and its offset
    private long _localBlock = long.MinValue, _localOffset;

    public TimeZoneInfo Zone => zone;

    /// <summary>Local milliseconds (since 1970-01-01 local) of UTC <paramref name="utcMs"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public long ToLocal(long utcMs)
    {
        // Logs are in time order: nearly every line falls in the block of the line before, found without dividing.
        if ((ulong)(utcMs - _utcStart) < BlockMs) return utcMs + _utcOffset; // unsigned: one compare, false for the initial MinValue
        var block = utcMs >= 0 ? utcMs / BlockMs : (utcMs - BlockMs + 1) / BlockMs;
        _utcStart = block * BlockMs;
        _utcOffset = (long)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(_utcStart).UtcDateTime).TotalMilliseconds;
        return utcMs + _utcOffset;
    }

    /// <summary>UTC milliseconds of local <paramref name="localMs"/>; the repeated hour is read as standard time.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public long ToUtc(long localMs)
    {
        var block = localMs >= 0 ? localMs / BlockMs : (localMs - BlockMs + 1) / BlockMs;
        if (block != _localBlock)
        {
            _localBlock = block;
            var local = DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(block * BlockMs), DateTimeKind.Unspecified);
            // A time skipped by the spring change is read with the offset before the change.
            _localOffset = zone.IsInvalidTime(local)
                ? (long)zone.GetUtcOffset(local.AddHours(-2)).TotalMilliseconds
                : (long)zone.GetUtcOffset(local).TotalMilliseconds;
        }
        return localMs - _localOffset;
    }
}
