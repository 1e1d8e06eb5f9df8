namespace SafeUse.Tests.Calendar;

/// <summary>
/// The England and Wales bank holidays of a year worked out from their rules, to check the seeded list against:
/// Easter by the Gregorian computus, the May and August Mondays, and the substitute days for a New Year's Day,
/// Christmas Day or Boxing Day that falls on a weekend. One-off changes (a coronation, a jubilee, VE Day moved) are
/// not rules, and none falls in 2025 to 2027.
/// </summary>
internal static class EnglandAndWales
{
    /// <summary>Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher).</summary>
    public static DateOnly Easter(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    public static IReadOnlyList<(DateOnly Date, string Name)> For(int year)
    {
        var easter = Easter(year);
        var days = new List<(DateOnly, string)>
        {
            (NextWeekday(new DateOnly(year, 1, 1)), NextWeekday(new DateOnly(year, 1, 1)).Day == 1 ? "New Year's Day" : "New Year's Day (substitute day)"),
            (easter.AddDays(-2), "Good Friday"),
            (easter.AddDays(1), "Easter Monday"),
            (FirstMonday(year, 5), "Early May bank holiday"),
            (LastMonday(year, 5), "Spring bank holiday"),
            (LastMonday(year, 8), "Summer bank holiday"),
        };

        var christmas = new DateOnly(year, 12, 25);
        var (christmasDay, boxingDay) = christmas.DayOfWeek switch
        {
            DayOfWeek.Friday => (christmas, christmas.AddDays(3)),
            DayOfWeek.Saturday => (christmas.AddDays(2), christmas.AddDays(3)),
            DayOfWeek.Sunday => (christmas.AddDays(2), christmas.AddDays(1)),
            _ => (christmas, christmas.AddDays(1)),
        };
        days.Add((christmasDay, christmasDay.Day == 25 ? "Christmas Day" : "Christmas Day (substitute day)"));
        days.Add((boxingDay, boxingDay.Day == 26 ? "Boxing Day" : "Boxing Day (substitute day)"));
        return days.OrderBy(d => d.Item1).ToList();
    }

    public static IReadOnlySet<DateOnly> Dates(params int[] years) => years.SelectMany(For).Select(d => d.Date).ToHashSet();

    private static DateOnly NextWeekday(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(2),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    private static DateOnly FirstMonday(int year, int month)
    {
        var day = new DateOnly(year, month, 1);
        return day.AddDays(((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7);
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var day = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return day.AddDays(-(((int)day.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7));
    }
}
