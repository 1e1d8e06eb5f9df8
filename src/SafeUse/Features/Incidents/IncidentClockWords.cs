namespace SafeUse.Features.Incidents;

/// <summary>Time left on a clock in words.</summary>
internal static class IncidentClockWords
{
    public static string Left(TimeSpan left)
    {
        var span = left.Duration();
        string Part(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")}";
        var words = span.TotalHours >= 24 ? $"{Part((int)span.TotalDays, "day")} {Part(span.Hours, "hour")}"
            : span.TotalMinutes >= 60 ? $"{Part((int)span.TotalHours, "hour")} {Part(span.Minutes, "minute")}"
            : Part(Math.Max(0, (int)span.TotalMinutes), "minute");
        return left < TimeSpan.Zero ? $"Overdue by {words}" : $"{words} left";
    }
}
