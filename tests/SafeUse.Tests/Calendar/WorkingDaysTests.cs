using SafeUse.Features.Calendar;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Calendar;

public sealed class WorkingDaysTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly IReadOnlySet<DateOnly> Holidays = EnglandAndWales.Dates(2025, 2026, 2027);

    [Fact]
    public void A_report_on_a_Friday_is_due_by_the_end_of_Monday()
    {
        var friday = new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.Zero);
        WorkingDays.NextWorkingDay(friday, London, Holidays).ShouldBe(new DateOnly(2026, 11, 23));
        WorkingDays.EndOfNextWorkingDay(friday, London, Holidays).ShouldBe(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_report_on_Christmas_Eve_2026_is_due_by_the_end_of_Tuesday_29_December()
    {
        // Friday 25 December, the weekend, and Monday 28 December (Boxing Day's substitute) are skipped.
        var christmasEve = new DateTimeOffset(2026, 12, 24, 11, 0, 0, TimeSpan.Zero);
        WorkingDays.NextWorkingDay(christmasEve, London, Holidays).ShouldBe(new DateOnly(2026, 12, 29));
        WorkingDays.EndOfNextWorkingDay(christmasEve, London, Holidays).ShouldBe(new DateTimeOffset(2026, 12, 30, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_report_on_Maundy_Thursday_2027_is_due_by_the_end_of_Tuesday_30_March_in_summer_time()
    {
        var maundyThursday = new DateTimeOffset(2027, 3, 25, 16, 45, 0, TimeSpan.Zero);
        WorkingDays.NextWorkingDay(maundyThursday, London, Holidays).ShouldBe(new DateOnly(2027, 3, 30));
        var end = WorkingDays.EndOfNextWorkingDay(maundyThursday, London, Holidays);
        end.ShouldBe(new DateTimeOffset(2027, 3, 31, 0, 0, 0, TimeSpan.FromHours(1)));
        end.Offset.ShouldBe(TimeSpan.FromHours(1));
        end.UtcDateTime.ShouldBe(new DateTime(2027, 3, 30, 23, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void A_report_at_half_past_eleven_on_a_Sunday_night_London_time_is_due_by_the_end_of_Monday()
    {
        // 23:30 BST on Sunday 7 June 2026 is 22:30 UTC.
        var sundayNight = new DateTimeOffset(2026, 6, 7, 23, 30, 0, TimeSpan.FromHours(1));
        WorkingDays.NextWorkingDay(sundayNight, London, Holidays).ShouldBe(new DateOnly(2026, 6, 8));
        WorkingDays.EndOfNextWorkingDay(sundayNight, London, Holidays).ShouldBe(new DateTimeOffset(2026, 6, 9, 0, 0, 0, TimeSpan.FromHours(1)));

        // 23:30 UTC that Sunday is already 00:30 on Monday in London: the report was made on Monday.
        var sundayNightUtc = new DateTimeOffset(2026, 6, 7, 23, 30, 0, TimeSpan.Zero);
        WorkingDays.NextWorkingDay(sundayNightUtc, London, Holidays).ShouldBe(new DateOnly(2026, 6, 9));

        // The night the clocks go back, 23:30 on Sunday 25 October 2026 is 23:30 GMT.
        var clocksBack = new DateTimeOffset(2026, 10, 25, 23, 30, 0, TimeSpan.Zero);
        WorkingDays.EndOfNextWorkingDay(clocksBack, London, Holidays).ShouldBe(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Weekends_and_bank_holidays_are_not_working_days()
    {
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 24), Holidays).ShouldBeTrue();
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 25), Holidays).ShouldBeFalse();
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 26), Holidays).ShouldBeFalse();
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 27), Holidays).ShouldBeFalse();
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 28), Holidays).ShouldBeFalse();
        WorkingDays.IsWorkingDay(new DateOnly(2026, 12, 28), new HashSet<DateOnly>()).ShouldBeTrue();
    }

    [Fact]
    public void Adding_working_days_counts_only_the_working_days_stepped_onto()
    {
        var friday = new DateOnly(2026, 11, 20);
        WorkingDays.AddWorkingDays(friday, 1, Holidays).ShouldBe(new DateOnly(2026, 11, 23));
        WorkingDays.AddWorkingDays(new DateOnly(2026, 11, 21), 1, Holidays).ShouldBe(new DateOnly(2026, 11, 23));
        WorkingDays.AddWorkingDays(friday, 0, Holidays).ShouldBe(friday);
        WorkingDays.AddWorkingDays(new DateOnly(2026, 11, 21), 0, Holidays).ShouldBe(new DateOnly(2026, 11, 21));
        WorkingDays.AddWorkingDays(new DateOnly(2026, 11, 23), -1, Holidays).ShouldBe(friday);

        // 24, 29, 30, 31 December and, past New Year's Day and a weekend, Monday 4 January.
        WorkingDays.AddWorkingDays(new DateOnly(2026, 12, 23), 5, Holidays).ShouldBe(new DateOnly(2027, 1, 4));
        WorkingDays.AddWorkingDays(new DateOnly(2027, 1, 4), -5, Holidays).ShouldBe(new DateOnly(2026, 12, 23));
    }

    [Fact]
    public void A_day_starts_when_the_clocks_land_if_midnight_is_skipped_and_at_the_first_midnight_if_it_comes_twice()
    {
        // A zone (as some in South America) whose clocks go forward at midnight on 1 March and back at 01:00 summer time on 1 October.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 3, 1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 1, 0, 0), 10, 1));
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Midnight", TimeSpan.Zero, "Midnight test", "Standard", "Summer", [rule]);

        WorkingDays.StartOfDay(new DateOnly(2027, 3, 1), zone).ShouldBe(new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.FromHours(1)));
        WorkingDays.StartOfDay(new DateOnly(2027, 10, 1), zone).ShouldBe(new DateTimeOffset(2027, 10, 1, 0, 0, 0, TimeSpan.FromHours(1)));
        WorkingDays.StartOfDay(new DateOnly(2027, 6, 1), zone).ShouldBe(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.FromHours(1)));
    }
}
