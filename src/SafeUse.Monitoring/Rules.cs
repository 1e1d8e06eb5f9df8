using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SafeUse.Monitoring;

/// <summary>Alert severity, lowest first.</summary>
public enum Severity
{
    /// <summary>Information only.</summary>
    Info,
    /// <summary>Low.</summary>
    Low,
    /// <summary>Medium.</summary>
    Medium,
    /// <summary>High.</summary>
    High,
    /// <summary>Critical: safeguarding.</summary>
    Critical,
}

/// <summary>A named period: days of the week, a local time range, date ranges and exceptions, all optional.</summary>
public sealed class Period
{
    /// <summary>The period's name.</summary>
    public required string Name { get; init; }

    /// <summary>Bit <c>1 &lt;&lt; (int)DayOfWeek</c> set for each allowed day; 0x7F when not restricted.</summary>
    public int DayMask { get; init; } = 0x7F;

    /// <summary>Start minute of the local day (inclusive), or -1.</summary>
    public int FromMinute { get; init; } = -1;

    /// <summary>End minute of the local day (exclusive), or -1.</summary>
    public int ToMinute { get; init; } = -1;

    /// <summary>Inclusive local date ranges, or empty for any date.</summary>
    public IReadOnlyList<(DateOnly From, DateOnly To)> Dates { get; init; } = [];

    /// <summary>Indexes of periods excluded from this one.</summary>
    public IReadOnlyList<int> Except { get; internal set; } = [];

    internal string[] ExceptNames { get; init; } = [];
}

/// <summary>One AUP rule. A rule matches a line when every condition it names holds.</summary>
public sealed class Rule
{
    /// <summary>The rule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The policy clause, or null.</summary>
    public string? Clause { get; init; }

    /// <summary>Categories the request must be in (any of them); zero when the rule names none.</summary>
    public UInt128 Categories { get; init; }

    /// <summary>Categories the request must not be in.</summary>
    public UInt128 ExceptCategories { get; init; }

    /// <summary>True for <c>who: [any]</c>.</summary>
    public bool WhoAny { get; init; }

    /// <summary>True when <c>who</c> lists <c>unattributed</c>.</summary>
    public bool WhoUnattributed { get; init; }

    /// <summary>Roles listed in <c>who</c>, lower case.</summary>
    public IReadOnlySet<string> WhoRoles { get; init; } = new HashSet<string>();

    /// <summary>Index of the <c>when</c> period, or -1 for always.</summary>
    public int PeriodIndex { get; init; } = -1;

    /// <summary>Severity.</summary>
    public Severity Severity { get; init; } = Severity.Medium;

    /// <summary>Roles to notify (used by the web app).</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];

    /// <summary>Search-term phrases (normalised: lower case, single spaces), or null when the rule has none.</summary>
    public IReadOnlyList<string>? SearchTerms { get; init; }

    /// <summary>Bytes threshold (decimal units), or 0 when the rule has none.</summary>
    public long BytesOver { get; init; }

    /// <summary>Window length for <see cref="BytesOver"/>, aligned to local midnight.</summary>
    public TimeSpan Within { get; init; }
}

/// <summary>The rules file: timezone, periods and rules.</summary>
public sealed class RuleSet
{
    /// <summary>The rules' timezone; times without a zone are in it.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>Periods, in file order.</summary>
    public required IReadOnlyList<Period> Periods { get; init; }

    /// <summary>Rules, in file order (hits are written in this order).</summary>
    public required IReadOnlyList<Rule> Rules { get; init; }

    /// <summary>Parses a rules file; category names are checked against <paramref name="lists"/>.</summary>
    /// <exception cref="MonitoringConfigException">Anything invalid, with file, line and field.</exception>
    public static RuleSet Load(string path, CategoryLists lists)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new MonitoringConfigException(path, 0, "--rules", e.Message); }
        return Parse(text, path, lists);
    }

    /// <summary>Parses rules from <paramref name="yaml"/>; <paramref name="path"/> names the file in errors and anchors term files.</summary>
    public static RuleSet Parse(string yaml, string path, CategoryLists lists)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new MonitoringConfigException(path, (int)e.Start.Line, "yaml", e.Message); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new MonitoringConfigException(path, 1, "rules", "the file must be a mapping with a 'rules' list");

        Fail Err(YamlNode node, string field, string message) => new(path, (int)node.Start.Line, field, message);

        var tz = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var periods = new List<Period>();
        var rules = new List<Rule>();
        YamlSequenceNode? ruleNodes = null;
        YamlMappingNode? periodNodes = null;
        foreach (var (k, v) in root.Children)
        {
            switch (Scalar(k))
            {
                case "timezone":
                    try { tz = TimeZoneInfo.FindSystemTimeZoneById(Scalar(v)); }
                    catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
                    { throw Err(v, "timezone", $"unknown timezone '{Scalar(v)}'").Ex; }
                    break;
                case "periods":
                    periodNodes = v as YamlMappingNode ?? throw Err(v, "periods", "must be a mapping of names to periods").Ex;
                    break;
                case "rules":
                    ruleNodes = v as YamlSequenceNode ?? throw Err(v, "rules", "must be a list").Ex;
                    break;
                default:
                    throw Err(k, Scalar(k), "unknown key").Ex;
            }
        }
        if (ruleNodes is null) throw new MonitoringConfigException(path, 1, "rules", "missing");

        if (periodNodes is not null)
        {
            foreach (var (k, v) in periodNodes.Children)
                periods.Add(ParsePeriod(Scalar(k), v as YamlMappingNode ?? throw Err(v, Scalar(k), "must be a mapping").Ex, Err));
            foreach (var p in periods)
            {
                p.Except = p.ExceptNames.Select(n =>
                {
                    var i = periods.FindIndex(q => q.Name == n);
                    return i >= 0 ? i : throw new MonitoringConfigException(path, 0, $"periods.{p.Name}.except", $"unknown period '{n}'");
                }).ToArray();
            }
            for (var i = 0; i < periods.Count; i++) CheckCycle(periods, i, [], path);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in ruleNodes.Children)
        {
            if (node is not YamlMappingNode m) throw Err(node, "rules", "each rule must be a mapping").Ex;
            rules.Add(ParseRule(m, path, lists, periods, Err));
            if (!ids.Add(rules[^1].Id)) throw Err(node, "id", $"duplicate rule id '{rules[^1].Id}'").Ex;
        }
        return new RuleSet { TimeZone = tz, Periods = periods, Rules = rules };
    }

    private readonly record struct Fail(string File, int Line, string Field, string Message)
    {
        public MonitoringConfigException Ex => new(File, Line, Field, Message);
    }

    private static string Scalar(YamlNode n) => n is YamlScalarNode s ? s.Value ?? "" : "";

    private static List<string> List(YamlNode n, string field, Func<YamlNode, string, string, Fail> err)
    {
        if (n is YamlScalarNode s) return [s.Value ?? ""];
        if (n is YamlSequenceNode seq) return seq.Children.Select(c => c is YamlScalarNode cs ? cs.Value ?? "" : throw err(c, field, "must be a list of values").Ex).ToList();
        throw err(n, field, "must be a list").Ex;
    }

    private static void CheckCycle(List<Period> periods, int i, HashSet<int> stack, string path)
    {
        if (!stack.Add(i)) throw new MonitoringConfigException(path, 0, $"periods.{periods[i].Name}.except", "periods exclude each other in a cycle");
        foreach (var e in periods[i].Except) CheckCycle(periods, e, stack, path);
        stack.Remove(i);
    }

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private static Period ParsePeriod(string name, YamlMappingNode m, Func<YamlNode, string, string, Fail> err)
    {
        int dayMask = 0x7F, from = -1, to = -1;
        var dates = new List<(DateOnly, DateOnly)>();
        var except = Array.Empty<string>();
        foreach (var (k, v) in m.Children)
        {
            var key = Scalar(k);
            var field = $"periods.{name}.{key}";
            switch (key)
            {
                case "days":
                    dayMask = 0;
                    foreach (var d in List(v, field, err))
                    {
                        var i = Array.IndexOf(DayNames, d.ToLowerInvariant() is { Length: >= 3 } l ? l[..3] : d);
                        if (i < 0) throw err(v, field, $"unknown day '{d}'").Ex;
                        dayMask |= 1 << i;
                    }
                    break;
                case "from": from = Minute(v, field, err); break;
                case "to": to = Minute(v, field, err); break;
                case "dates":
                    if (v is not YamlSequenceNode seq) throw err(v, field, "must be a list of { from, to }").Ex;
                    foreach (var r in seq.Children)
                    {
                        if (r is not YamlMappingNode rm) throw err(r, field, "must be { from: date, to: date }").Ex;
                        DateOnly? f = null, t = null;
                        foreach (var (rk, rv) in rm.Children)
                        {
                            if (!DateOnly.TryParseExact(Scalar(rv), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                                throw err(rv, $"{field}.{Scalar(rk)}", $"'{Scalar(rv)}' is not a date (yyyy-MM-dd)").Ex;
                            if (Scalar(rk) == "from") f = date; else if (Scalar(rk) == "to") t = date;
                            else throw err(rk, $"{field}.{Scalar(rk)}", "unknown key").Ex;
                        }
                        if (f is null || t is null) throw err(r, field, "needs both from and to").Ex;
                        if (t < f) throw err(r, field, "to is before from").Ex;
                        dates.Add((f.Value, t.Value));
                    }
                    break;
                case "except": except = [.. List(v, field, err)]; break;
                default: throw err(k, field, "unknown key").Ex;
            }
        }
        if ((from < 0) != (to < 0)) throw err(m, $"periods.{name}", "from and to go together").Ex;
        return new Period { Name = name, DayMask = dayMask, FromMinute = from, ToMinute = to, Dates = dates, ExceptNames = except };
    }

    private static int Minute(YamlNode v, string field, Func<YamlNode, string, string, Fail> err)
    {
        var s = Scalar(v);
        if (TimeOnly.TryParseExact(s, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t.Hour * 60 + t.Minute;
        if (s == "24:00") return 24 * 60;
        throw err(v, field, $"'{s}' is not a time (HH:MM)").Ex;
    }

    private static Rule ParseRule(YamlMappingNode m, string path, CategoryLists lists, List<Period> periods, Func<YamlNode, string, string, Fail> err)
    {
        string? id = null, clause = null;
        UInt128 cats = UInt128.Zero, except = UInt128.Zero;
        bool any = false, unattributed = false, whoGiven = false;
        var roles = new HashSet<string>(StringComparer.Ordinal);
        var period = -1;
        var severity = Severity.Medium;
        var notify = new List<string>();
        List<string>? terms = null;
        long bytesOver = 0;
        TimeSpan within = TimeSpan.Zero;
        YamlNode? withinNode = null;
        foreach (var (k, v) in m.Children)
        {
            var key = Scalar(k);
            switch (key)
            {
                case "id": id = Scalar(v); break;
                case "clause": clause = Scalar(v); break;
                case "categories":
                case "except-categories":
                    var mask = UInt128.Zero;
                    foreach (var c in List(v, key, err))
                    {
                        var bit = lists.BitOf(c);
                        if (bit == UInt128.Zero) throw err(v, key, $"unknown category '{c}' (not a folder of the lists directory)").Ex;
                        mask |= bit;
                    }
                    if (key == "categories") cats = mask; else except = mask;
                    break;
                case "who":
                    whoGiven = true;
                    foreach (var w in List(v, key, err))
                    {
                        var lw = w.ToLowerInvariant();
                        if (lw == "any") any = true;
                        else if (lw == "unattributed") unattributed = true;
                        else if (lw.Length == 0) throw err(v, key, "empty role").Ex;
                        else roles.Add(lw);
                    }
                    break;
                case "when":
                    var name = Scalar(v);
                    if (name != "always")
                    {
                        period = periods.FindIndex(p => p.Name == name);
                        if (period < 0) throw err(v, key, $"unknown period '{name}'").Ex;
                    }
                    break;
                case "severity":
                    if (!Enum.TryParse<Severity>(Scalar(v), true, out severity) || !Enum.IsDefined(severity) || int.TryParse(Scalar(v), out _))
                        throw err(v, key, $"'{Scalar(v)}' is not one of info, low, medium, high, critical").Ex;
                    break;
                case "notify": notify = List(v, key, err); break;
                case "search-terms":
                    var termPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", Scalar(v));
                    if (!File.Exists(termPath)) throw err(v, key, $"file '{termPath}' not found").Ex;
                    terms = File.ReadAllLines(termPath).Select(SearchText.NormalisePhrase).Where(t => t.Length > 0 && t[0] != '#').Distinct().ToList();
                    break;
                case "bytes-over":
                    bytesOver = ParseSize(Scalar(v)) ?? throw err(v, key, $"'{Scalar(v)}' is not a size such as 500MB").Ex;
                    break;
                case "within":
                    withinNode = v;
                    within = ParseDuration(Scalar(v)) ?? throw err(v, key, $"'{Scalar(v)}' is not a duration such as 1h").Ex;
                    break;
                default: throw err(k, key, "unknown key").Ex;
            }
        }
        if (string.IsNullOrEmpty(id)) throw err(m, "id", "missing").Ex;
        if (!whoGiven) throw err(m, "who", $"rule '{id}': missing (use [any] for everyone)").Ex;
        if (bytesOver > 0 && within <= TimeSpan.Zero) throw err(m, "within", $"rule '{id}': bytes-over needs within").Ex;
        if (bytesOver == 0 && withinNode is not null) throw err(withinNode, "within", $"rule '{id}': within needs bytes-over").Ex;
        if (within > TimeSpan.Zero && TimeSpan.FromDays(1).Ticks % within.Ticks != 0 && within.Ticks % TimeSpan.FromDays(1).Ticks != 0)
            throw err(withinNode!, "within", "must divide a day (e.g. 15m, 1h, 6h) or be whole days").Ex;
        return new Rule
        {
            Id = id, Clause = clause, Categories = cats, ExceptCategories = except, WhoAny = any, WhoUnattributed = unattributed,
            WhoRoles = roles, PeriodIndex = period, Severity = severity, Notify = notify, SearchTerms = terms,
            BytesOver = bytesOver, Within = within,
        };
    }

    /// <summary>Parses a decimal size: <c>500MB</c>, <c>1.5 GB</c>, <c>10kB</c>, or bytes.</summary>
    public static long? ParseSize(string s)
    {
        s = s.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return null;
        long unit = s[i..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            "TB" => 1_000_000_000_000,
            _ => 0,
        };
        return unit == 0 || n <= 0 ? null : (long)(n * unit);
    }

    /// <summary>Parses a duration: <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public static TimeSpan? ParseDuration(string s)
    {
        s = s.Trim();
        if (s.Length < 2 || !int.TryParse(s[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return s[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    /// <summary>True when local time <paramref name="localMs"/> (milliseconds since 1970-01-01 local) is in period <paramref name="index"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool InPeriod(int index, long localMs)
    {
        var minute = localMs >= 0 ? localMs / 60_000 : (localMs - 59_999) / 60_000;
        return InPeriodAtMinute(index, minute * 60_000);
    }

    /// <summary>
    /// Whether the minute starting at <paramref name="minuteMs"/> (local) is in period <paramref name="index"/>: a
    /// period is whole minutes, so callers cache the answer per minute.
    /// </summary>
    internal bool InPeriodAtMinute(int index, long minuteMs) => InPeriodUncached(index, minuteMs);

    private bool InPeriodUncached(int index, long localMs)
    {
        var p = Periods[index];
        const long DayMs = 86_400_000; // milliseconds per day
        var day = Math.DivRem(localMs, DayMs, out var rem);
        if (rem < 0) { day--; rem += DayMs; }
        var dow = (int)((day + 4) % 7 + 7) % 7; // 1970-01-01 was a Thursday (4)
        if ((p.DayMask & (1 << dow)) == 0) return false;
        if (p.FromMinute >= 0)
        {
            var minute = (int)(rem / 60_000);
            var inside = p.FromMinute <= p.ToMinute
                ? minute >= p.FromMinute && minute < p.ToMinute
                : minute >= p.FromMinute || minute < p.ToMinute; // a range past midnight
            if (!inside) return false;
        }
        if (p.Dates.Count > 0)
        {
            var date = DateOnly.FromDayNumber(EpochDayNumber + (int)day);
            var any = false;
            foreach (var (f, t) in p.Dates) if (date >= f && date <= t) { any = true; break; }
            if (!any) return false;
        }
        foreach (var e in p.Except) if (InPeriodUncached(e, localMs)) return false;
        return true;
    }

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;
}
