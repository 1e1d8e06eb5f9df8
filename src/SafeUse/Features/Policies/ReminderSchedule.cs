using System.Globalization;

namespace SafeUse.Features.Policies;

internal enum ReminderRecipient
{
    Person,
    LineManager,
    Head,
}

/// <summary>One step: a number of days after the request, or relative to the due date, and who is written to.</summary>
internal sealed record ReminderStep(int Index, bool FromDue, int Days, ReminderRecipient Recipient)
{
    public DateOnly DueDate(DateOnly requestedOn, DateOnly dueOn) => FromDue ? dueOn.AddDays(Days) : requestedOn.AddDays(Days);

    public override string ToString() =>
        (FromDue ? "due" + (Days == 0 ? "" : Days > 0 ? "+" + Days : Days.ToString(CultureInfo.InvariantCulture)) : Days.ToString(CultureInfo.InvariantCulture))
        + ":" + Recipient switch { ReminderRecipient.LineManager => "line-manager", ReminderRecipient.Head => "head", _ => "person" };
}

/// <summary>
/// A policy's reminder schedule as a short text a Digital Lead can read and edit:
/// <c>7:person, 14:person, due:line-manager, due+7:head</c>. Step numbers are positions (1, 2, ...); step 0 is the
/// request itself.
/// </summary>
internal static class ReminderSchedule
{
    public const string Default = "7:person, 14:person, due:line-manager, due+7:head";

    public static bool TryParse(string? text, out IReadOnlyList<ReminderStep> steps, out string? error)
    {
        var list = new List<ReminderStep>();
        steps = list;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                error = $"Step {i + 1} \"{part}\" needs a colon between when and who, like 7:person";
                return false;
            }

            var when = part[..colon].Trim().ToLowerInvariant();
            var who = part[(colon + 1)..].Trim().ToLowerInvariant();
            ReminderRecipient recipient;
            switch (who)
            {
                case "person" or "staff":
                    recipient = ReminderRecipient.Person;
                    break;
                case "line-manager" or "manager":
                    recipient = ReminderRecipient.LineManager;
                    break;
                case "head":
                    recipient = ReminderRecipient.Head;
                    break;
                default:
                    error = $"Step {i + 1}: \"{who}\" is not person, line-manager or head";
                    return false;
            }

            bool fromDue;
            int days;
            if (when.StartsWith("due", StringComparison.Ordinal))
            {
                fromDue = true;
                var offset = when[3..].Trim();
                if (offset.Length == 0)
                {
                    days = 0;
                }
                else if (!int.TryParse(offset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out days))
                {
                    error = $"Step {i + 1}: \"{when}\" should be due, due+N or due-N days";
                    return false;
                }
            }
            else
            {
                fromDue = false;
                if (!int.TryParse(when, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days == 0)
                {
                    error = $"Step {i + 1}: \"{when}\" should be a number of days after the request (1 or more), or due, due+N";
                    return false;
                }
            }

            if (Math.Abs(days) > 365)
            {
                error = $"Step {i + 1}: {days} days is more than a year";
                return false;
            }

            list.Add(new ReminderStep(i + 1, fromDue, days, recipient));
        }

        return true;
    }

    /// <summary>The schedule in words, a line a step: "3 days before the due date: a reminder to the member of staff".</summary>
    public static IReadOnlyList<string> Describe(string? text) =>
        TryParse(text, out var steps, out _) ? steps.Select(Describe).ToList() : [text ?? ""];

    public static string Describe(ReminderStep step)
    {
        var when = (step.FromDue, step.Days) switch
        {
            (false, var d) => $"{Days(d)} after they are asked",
            (true, 0) => "On the due date",
            (true, < 0 and var d) => $"{Days(-d)} before the due date",
            (true, var d) => $"{Days(d)} after the due date",
        };

        // Who SignOffScheduler writes to: a line manager step goes to the Head when there is no line manager, and a
        // Head step to the executive leader when the person is the Head.
        var who = step.Recipient switch
        {
            ReminderRecipient.LineManager => "a reminder to their line manager (or the Head, if they have none)",
            ReminderRecipient.Head => "a reminder to the Head of their school (or the executive leader, if they are the Head)",
            _ => "a reminder to the member of staff",
        };
        return $"{when}: {who}";
    }

    private static string Days(int n) => n == 1 ? "1 day" : $"{n.ToString(CultureInfo.InvariantCulture)} days";

    public static IReadOnlyList<ReminderStep> Parse(string? text) =>
        TryParse(text, out var steps, out var error) ? steps : throw new FormatException(error);
}
