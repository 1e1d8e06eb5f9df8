using SafeUse.Features.Calendar;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Calendar;

public sealed class BreachClockTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void Awareness_on_a_Friday_afternoon_runs_out_on_the_Monday_afternoon_the_weekend_counting()
    {
        var awareness = new DateTimeOffset(2026, 11, 20, 15, 30, 0, TimeSpan.Zero);
        BreachClock.Deadline(awareness).ShouldBe(new DateTimeOffset(2026, 11, 23, 15, 30, 0, TimeSpan.Zero));

        var fridayTea = awareness.AddMinutes(30);
        BreachClock.Words(awareness, fridayTea).ShouldBe("2 days 23 hours left");
        BreachClock.Urgent(awareness, fridayTea).ShouldBeFalse();

        var sunday = new DateTimeOffset(2026, 11, 22, 16, 0, 0, TimeSpan.Zero);
        BreachClock.Words(awareness, sunday).ShouldBe("23 hours 30 minutes left");
        BreachClock.Urgent(awareness, sunday).ShouldBeTrue();

        var mondayEvening = new DateTimeOffset(2026, 11, 23, 18, 30, 0, TimeSpan.Zero);
        BreachClock.Left(awareness, mondayEvening).ShouldBe(TimeSpan.FromHours(-3));
        BreachClock.Overdue(awareness, mondayEvening).ShouldBeTrue();
        BreachClock.Words(awareness, mondayEvening).ShouldBe("overdue by 3 hours");
    }

    [Fact]
    public void Across_the_end_of_summer_time_the_London_deadline_shows_an_hour_earlier_than_the_same_time_three_days_on()
    {
        // 10:00 BST on Friday 23 October 2026; the clocks go back at 02:00 BST on Sunday 25 October.
        var awareness = new DateTimeOffset(2026, 10, 23, 10, 0, 0, TimeSpan.FromHours(1));
        BreachClock.Deadline(awareness).ShouldBe(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero));
        BreachClock.Deadline(awareness).Offset.ShouldBe(TimeSpan.Zero);

        var local = BreachClock.LocalDeadline(awareness, London);
        local.DateTime.ShouldBe(new DateTime(2026, 10, 26, 9, 0, 0));
        local.Offset.ShouldBe(TimeSpan.Zero);
        (local - awareness).ShouldBe(TimeSpan.FromHours(72));
    }

    [Fact]
    public void Across_the_start_of_summer_time_the_London_deadline_shows_an_hour_later_than_the_same_time_three_days_on()
    {
        // 10:00 GMT on Friday 26 March 2027; the clocks go forward at 01:00 GMT on Sunday 28 March.
        var awareness = new DateTimeOffset(2027, 3, 26, 10, 0, 0, TimeSpan.Zero);
        var local = BreachClock.LocalDeadline(awareness, London);
        local.DateTime.ShouldBe(new DateTime(2027, 3, 29, 11, 0, 0));
        local.Offset.ShouldBe(TimeSpan.FromHours(1));
        BreachClock.Deadline(awareness).ShouldBe(new DateTimeOffset(2027, 3, 29, 10, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Urgent_is_under_24_hours_left_overdue_included_and_the_deadline_itself_is_still_in_time()
    {
        var awareness = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var deadline = BreachClock.Deadline(awareness);

        BreachClock.Urgent(awareness, deadline - TimeSpan.FromHours(24)).ShouldBeFalse();
        BreachClock.Urgent(awareness, deadline - TimeSpan.FromHours(24) + TimeSpan.FromTicks(1)).ShouldBeTrue();
        BreachClock.Urgent(awareness, deadline).ShouldBeTrue();
        BreachClock.Urgent(awareness, deadline.AddDays(10)).ShouldBeTrue();
        BreachClock.Urgent(awareness, awareness).ShouldBeFalse();

        BreachClock.Overdue(awareness, deadline).ShouldBeFalse();
        BreachClock.Left(awareness, deadline).ShouldBe(TimeSpan.Zero);
        BreachClock.Overdue(awareness, deadline + TimeSpan.FromTicks(1)).ShouldBeTrue();
        BreachClock.Left(awareness, deadline.AddMinutes(1)).ShouldBeLessThan(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(72 * 60, "3 days left")]
    [InlineData((2 * 24 * 60) + (5 * 60) + 59, "2 days 5 hours left")]
    [InlineData(24 * 60, "1 day left")]
    [InlineData((24 * 60) + 60, "1 day 1 hour left")]
    [InlineData(61, "1 hour 1 minute left")]
    [InlineData(120, "2 hours left")]
    [InlineData(40, "40 minutes left")]
    [InlineData(1, "1 minute left")]
    [InlineData(0, "less than a minute left")]
    [InlineData(-180, "overdue by 3 hours")]
    [InlineData(-45, "overdue by 45 minutes")]
    [InlineData(-((26 * 60) + 30), "overdue by 1 day 2 hours")]
    public void Time_left_reads_as_words_in_its_two_largest_units(int minutes, string words) =>
        BreachClock.Words(TimeSpan.FromMinutes(minutes)).ShouldBe(words);

    [Fact]
    public void Part_of_a_minute_is_never_rounded_up_into_more_time_left()
    {
        BreachClock.Words(TimeSpan.FromSeconds(59)).ShouldBe("less than a minute left");
        BreachClock.Words(TimeSpan.FromSeconds(-59)).ShouldBe("overdue by less than a minute");
        BreachClock.Words(TimeSpan.FromMinutes(40) + TimeSpan.FromSeconds(59)).ShouldBe("40 minutes left");
    }
}
