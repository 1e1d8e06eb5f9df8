using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class PeriodTests : IDisposable
{
    private readonly Fixture _f = new();

    public void Dispose() => _f.Dispose();

    private const string Rules = """
        timezone: Europe/London
        periods:
          lunch:      { days: [mon, tue, wed, thu, fri], from: "12:30", to: "13:15" }
          core-hours: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "16:15", except: [lunch] }
          term:       { dates: [{ from: 2026-09-03, to: 2026-10-23 }, { from: 2026-11-02, to: 2026-12-18 }] }
          early:      { from: "01:00", to: "02:00" }
        rules:
          - id: core
            categories: [social]
            who: [any]
            when: core-hours
          - id: term
            categories: [social]
            who: [any]
            when: term
          - id: early
            categories: [social]
            who: [any]
            when: early
        """;

    private string[] RulesAt(DateTimeOffset utc)
    {
        var line = $"{utc.ToUnixTimeMilliseconds() / 1000}.{utc.Millisecond:D3} 1 10.0.0.1 TCP_MISS/200 10 GET http://facebook.com/ u1 HIER_NONE/- -\n";
        return _f.Run(_f.Engine(Rules), line).Hits.Select(h => h.GetProperty("rule").GetString()!).ToArray();
    }

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Theory]
    // Before the spring change (Fri 27 Mar 2026, GMT): 09:00 UTC is 09:00 local.
    [InlineData(2026, 3, 27, 9, 0, true)]
    [InlineData(2026, 3, 27, 8, 59, false)]
    // After it (Mon 30 Mar 2026, BST = UTC+1): 08:00 UTC is 09:00 local; 15:15 UTC is 16:15 local (to is exclusive).
    [InlineData(2026, 3, 30, 8, 0, true)]
    [InlineData(2026, 3, 30, 7, 59, false)]
    [InlineData(2026, 3, 30, 15, 14, true)]
    [InlineData(2026, 3, 30, 15, 15, false)]
    // Lunch is excepted: 11:30 UTC is 12:30 BST.
    [InlineData(2026, 3, 30, 11, 29, true)]
    [InlineData(2026, 3, 30, 11, 30, false)]
    [InlineData(2026, 3, 30, 12, 15, true)]
    // Before the autumn change (Fri 23 Oct 2026, BST) and after it (Mon 26 Oct 2026, GMT).
    [InlineData(2026, 10, 23, 8, 0, true)]
    [InlineData(2026, 10, 26, 8, 0, false)]
    [InlineData(2026, 10, 26, 9, 0, true)]
    [InlineData(2026, 10, 26, 16, 15, false)]
    // Saturday.
    [InlineData(2026, 10, 24, 10, 0, false)]
    public void Core_hours_follow_daylight_saving(int y, int mo, int d, int h, int mi, bool inside) =>
        RulesAt(Utc(y, mo, d, h, mi)).Contains("core").ShouldBe(inside);

    [Theory]
    [InlineData(2026, 9, 2, 22, 59, false)] // 23:59 BST on 2 Sep
    [InlineData(2026, 9, 2, 23, 0, true)] // 00:00 BST on 3 Sep: from is inclusive
    [InlineData(2026, 10, 23, 22, 59, true)] // 23:59 BST on 23 Oct: to is inclusive
    [InlineData(2026, 10, 23, 23, 0, false)]
    [InlineData(2026, 12, 18, 23, 59, true)] // GMT
    [InlineData(2026, 12, 19, 0, 0, false)]
    public void Date_ranges_are_inclusive_local_dates(int y, int mo, int d, int h, int mi, bool inside) =>
        RulesAt(Utc(y, mo, d, h, mi)).Contains("term").ShouldBe(inside);

    [Theory]
    // 29 Mar 2026: 01:00 GMT jumps to 02:00 BST, so 01:00-02:00 local never happens.
    [InlineData(2026, 3, 29, 0, 59, false)] // 00:59 GMT
    [InlineData(2026, 3, 29, 1, 0, false)] // 02:00 BST
    // 25 Oct 2026: 02:00 BST falls back to 01:00 GMT, so 01:00-02:00 local happens twice.
    [InlineData(2026, 10, 25, 0, 0, true)] // 01:00 BST
    [InlineData(2026, 10, 25, 0, 59, true)]
    [InlineData(2026, 10, 25, 1, 0, true)] // 01:00 GMT, again
    [InlineData(2026, 10, 25, 2, 0, false)] // 02:00 GMT
    public void Hours_skipped_and_repeated_by_the_changes(int y, int mo, int d, int h, int mi, bool inside) =>
        RulesAt(Utc(y, mo, d, h, mi)).Contains("early").ShouldBe(inside);

    [Fact]
    public void Local_times_without_a_zone_are_read_in_the_rules_timezone()
    {
        // e2guardian format 4 writes local time: 10:00 on 30 Mar 2026 is 09:00 UTC.
        var line = "2026.03.30 10:00:00\tu1\t10.0.0.1\thttp://facebook.com/\t-\tGET\t6\t0\t-\t1\t200\t-\t10.0.0.1\tg\t-\t-\t-\t-\t-\n";
        var hit = _f.Run(_f.Engine(Rules), line).Hits.First();
        hit.GetProperty("time").GetString().ShouldBe("2026-03-30T09:00:00.000Z");
    }
}
