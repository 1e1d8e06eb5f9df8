namespace SafeUse.Features.SignOff;

internal sealed class SignOffOptions
{
    public const string Section = "SafeUse";

    /// <summary>The address staff use to reach SafeUse, for links in emails.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>How often reminders, escalations, joiners and review notices are worked out.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromMinutes(15);
}
