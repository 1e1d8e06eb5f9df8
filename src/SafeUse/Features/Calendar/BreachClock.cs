using System.Globalization;

namespace SafeUse.Features.Calendar;

/// <summary>
/// The clock for telling the ICO about a personal-data breach (UK GDPR Art. 33): 72 hours from when the school
/// became aware. The hours are elapsed hours, not working hours: weekends, bank holidays and clock changes all count,
/// so across the last Sunday of October the Europe/London wall clock shows the deadline an hour earlier than
/// "the same time three days later" would.
/// </summary>
internal static class BreachClock
{
    /// <summary>Art. 33(1): "without undue delay and, where feasible, not later than 72 hours after having become aware".</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(72);

    /// <summary>Under a day left (or overdue) is urgent: the breach still needs a decision before the next working day is over.</summary>
    public static readonly TimeSpan UrgentWithin = TimeSpan.FromHours(24);

    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    /// <summary>The instant the 72 hours run out, in UTC.</summary>
    public static DateTimeOffset Deadline(DateTimeOffset awareness) => awareness.ToUniversalTime() + Window;

    /// <summary>The deadline on the wall clock of <paramref name="zone"/>, for showing to people.</summary>
    public static DateTimeOffset LocalDeadline(DateTimeOffset awareness, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(Deadline(awareness), zone);

    /// <summary>Time left until the deadline: negative once it has passed.</summary>
    public static TimeSpan Left(DateTimeOffset awareness, DateTimeOffset now) => Deadline(awareness) - now;

    /// <summary>Past the deadline: the deadline instant itself is still in time.</summary>
    public static bool Overdue(DateTimeOffset awareness, DateTimeOffset now) => Left(awareness, now) < TimeSpan.Zero;

    /// <summary>Under 24 hours left, overdue included.</summary>
    public static bool Urgent(DateTimeOffset awareness, DateTimeOffset now) => Left(awareness, now) < UrgentWithin;

    /// <summary>The time left in words: "2 days 5 hours left", "40 minutes left", "overdue by 3 hours".</summary>
    public static string Words(DateTimeOffset awareness, DateTimeOffset now) => Words(Left(awareness, now));

    /// <summary>
    /// A time left in words, in its two largest whole units (days and hours, hours and minutes, or minutes), a unit
    /// that is zero left out. Parts of a unit are dropped, so time left is never overstated.
    /// </summary>
    public static string Words(TimeSpan left)
    {
        var overdue = left < TimeSpan.Zero;
        var amount = overdue ? left.Negate() : left;
        var text = amount switch
        {
            { TotalDays: >= 1 } => Join(Unit(amount.Days, "day"), Unit(amount.Hours, "hour")),
            { TotalHours: >= 1 } => Join(Unit(amount.Hours, "hour"), Unit(amount.Minutes, "minute")),
            { TotalMinutes: >= 1 } => Unit(amount.Minutes, "minute"),
            _ => "less than a minute",
        };
        return overdue ? $"overdue by {text}" : $"{text} left";
    }

    private static string Join(string first, string second) => second.Length == 0 ? first : $"{first} {second}";

    private static string Unit(int count, string unit) => count switch
    {
        0 => "",
        1 => $"1 {unit}",
        _ => $"{count.ToString(Numbers)} {unit}s",
    };
}
