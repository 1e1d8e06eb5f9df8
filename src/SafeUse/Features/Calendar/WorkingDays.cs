namespace SafeUse.Features.Calendar;

/// <summary>
/// Working days as schools count them: Monday to Friday, less bank holidays. Deadlines such as "contact the local
/// authority designated officer within one working day" (KCSIE, allegations against staff) are counted in the
/// school's own time zone, because a report made at 23:30 on a Sunday in London was made on Sunday whatever UTC says.
/// </summary>
internal static class WorkingDays
{
    public static bool IsWorkingDay(DateOnly day, IReadOnlySet<DateOnly> holidays) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(day);

    /// <summary>
    /// The day <paramref name="days"/> working days after <paramref name="from"/> (before it when negative), counting
    /// only the days stepped onto: from a Friday, one working day is the Monday; from a Saturday, also the Monday.
    /// Zero days is <paramref name="from"/> itself, working day or not.
    /// </summary>
    public static DateOnly AddWorkingDays(DateOnly from, int days, IReadOnlySet<DateOnly> holidays)
    {
        var step = days < 0 ? -1 : 1;
        var day = from;
        for (var remaining = Math.Abs(days); remaining > 0;)
        {
            day = day.AddDays(step);
            if (IsWorkingDay(day, holidays))
            {
                remaining--;
            }
        }

        return day;
    }

    /// <summary>The first working day strictly after the day the report was made on, that day read in <paramref name="zone"/>.</summary>
    public static DateOnly NextWorkingDay(DateTimeOffset reportedAt, TimeZoneInfo zone, IReadOnlySet<DateOnly> holidays)
    {
        var reportedOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(reportedAt, zone).DateTime);
        return AddWorkingDays(reportedOn, 1, holidays);
    }

    /// <summary>
    /// "Due within one working day": the end of <see cref="NextWorkingDay"/>. The end is exclusive: the first instant
    /// of the day after (midnight, local time), so anything strictly before the returned instant is in time and no
    /// "23:59:59.999" is needed. The result carries the zone's offset at that instant.
    /// </summary>
    public static DateTimeOffset EndOfNextWorkingDay(DateTimeOffset reportedAt, TimeZoneInfo zone, IReadOnlySet<DateOnly> holidays) =>
        StartOfDay(NextWorkingDay(reportedAt, zone, holidays).AddDays(1), zone);

    /// <summary>
    /// The first instant of <paramref name="day"/> in <paramref name="zone"/>. Where the clocks go forward at
    /// midnight (some zones do) midnight does not exist and the day starts when the clocks land; where they go back
    /// over midnight the day starts at the first of the two midnights.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            // Gaps are whole minutes long; step to the first wall-clock minute that exists.
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
