using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SafeUse.Features.Incidents;

/// <summary>Every problem with a form at once, each with the field it belongs to.</summary>
internal sealed class IncidentProblems(IReadOnlyList<(string Field, string Message)> problems) : Exception(problems[0].Message)
{
    public IReadOnlyList<(string Field, string Message)> Problems { get; } = problems;
}

/// <summary>The breach log's assessment of a personal-data breach (UK GDPR Art. 33(5)), as the form sends it.</summary>
internal sealed record BreachInput(
    string? WhatHappened,
    string? Categories,
    string? People,
    string? Records,
    string? Consequences,
    string? Measures,
    string? Reported,
    string? Reasons,
    string? IcoReference,
    string? IcoReportedAt,
    string? PeopleTold,
    string? WhyNotTold);

/// <summary>A stored assessment: the latest breach entry is the current one.</summary>
internal sealed record BreachRecord(
    string WhatHappened,
    string Categories,
    int People,
    int Records,
    string Consequences,
    string Measures,
    bool Reported,
    string Reasons,
    string? IcoReference,
    DateTime? IcoReportedAt,
    bool PeopleTold,
    string? WhyNotTold);

internal static class Breach
{
    /// <summary>A data-breach report, or any incident whose clock runs (a lost device that held personal data).</summary>
    public static bool Applies(Incident incident) => incident.Kind == ReportKinds.DataBreach || incident.AwareAt is not null;

    public static List<(string Field, string Message)> Validate(BreachInput input, DateTime now)
    {
        var errors = new List<(string, string)>();
        void Text(string? value, string field, string missing)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add((field, missing));
            }
            else if (value.Length > IncidentService.MaxText)
            {
                errors.Add((field, $"It must be {IncidentService.MaxText:N0} characters or fewer"));
            }
        }

        void Count(string? value, string field, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add((field, $"Enter the approximate number of {what}, or 0"));
            }
            else if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                errors.Add((field, $"The number of {what} must be a whole number, 0 or more, like 30"));
            }
        }

        void YesNo(string? value, string field, string missing)
        {
            if (value is not ("yes" or "no"))
            {
                errors.Add((field, missing));
            }
        }

        Text(input.WhatHappened, "WhatHappened", "Say what happened");
        Text(input.Categories, "Categories", "Say which categories of people and personal data are affected");
        Count(input.People, "People", "people affected");
        Count(input.Records, "Records", "records affected");
        Text(input.Consequences, "Consequences", "Say what the likely consequences are");
        Text(input.Measures, "Measures", "Say what has been done or will be done about it");
        YesNo(input.Reported, "Reported", "Say whether it was reported to the ICO");
        Text(input.Reasons, "Reasons", input.Reported == "yes" ? "Give the reasons it was reported to the ICO" : "Give the reasons for the decision, reported or not");
        if (input.Reported == "yes")
        {
            if (string.IsNullOrWhiteSpace(input.IcoReference))
            {
                errors.Add(("IcoReference", "Enter the ICO's reference"));
            }
            else if (input.IcoReference.Length > IncidentService.MaxLine)
            {
                errors.Add(("IcoReference", $"The ICO's reference must be {IncidentService.MaxLine} characters or fewer"));
            }

            if (string.IsNullOrWhiteSpace(input.IcoReportedAt))
            {
                errors.Add(("IcoReportedAt", "Enter when it was reported to the ICO"));
            }
            else if (IncidentService.ParseTime(input.IcoReportedAt) is not { } at)
            {
                errors.Add(("IcoReportedAt", "When it was reported to the ICO must be a date and time, like 2026-11-30 14:05"));
            }
            else if (at > now.AddMinutes(5))
            {
                errors.Add(("IcoReportedAt", "When it was reported to the ICO must be in the past"));
            }
        }

        YesNo(input.PeopleTold, "PeopleTold", "Say whether the people affected were told");
        if (input.PeopleTold == "no")
        {
            Text(input.WhyNotTold, "WhyNotTold", "Say why the people affected were not told");
        }

        return errors;
    }

    /// <summary>The entry's fields, once <see cref="Validate"/> has passed.</summary>
    public static BreachRecord Record(BreachInput input)
    {
        var reported = input.Reported == "yes";
        var told = input.PeopleTold == "yes";
        return new(input.WhatHappened!.Trim(), input.Categories!.Trim(),
            int.Parse(input.People!.Trim(), CultureInfo.InvariantCulture), int.Parse(input.Records!.Trim(), CultureInfo.InvariantCulture),
            input.Consequences!.Trim(), input.Measures!.Trim(), reported, input.Reasons!.Trim(),
            reported ? input.IcoReference!.Trim() : null, reported ? IncidentService.ParseTime(input.IcoReportedAt) : null,
            told, told ? null : input.WhyNotTold!.Trim());
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(BreachRecord record) => JsonSerializer.Serialize(record, Json);

    public static BreachRecord? Parse(IncidentEntry? entry) =>
        entry is { Type: EntryTypes.Breach, Data: { } data } ? JsonSerializer.Deserialize<BreachRecord>(data, Json) : null;

    public static readonly string[] LogHeaders =
    [
        "Reference", "School", "Aware at (UK time)", "Deadline (UK time)", "Reported to ICO", "Reasons", "ICO reference", "Reported to ICO at (UK time)",
        "Categories", "People", "Records", "Consequences", "Measures", "People told", "Why not told", "Status", "Outcome",
    ];

    /// <summary>One row of the breach log; a breach with no assessment yet has its reference, times and status only.</summary>
    public static string?[] LogCells(Incident i, string school, BreachRecord? b) =>
    [
        i.Reference, school, UkTime(i.AwareAt), i.AwareAt is { } aware ? UkTime(Calendar.BreachClock.Deadline(new DateTimeOffset(aware, TimeSpan.Zero)).UtcDateTime) : null,
        b is null ? null : b.Reported ? "yes" : "no", b?.Reasons, b?.IcoReference, UkTime(b?.IcoReportedAt),
        b?.Categories, b?.People.ToString(CultureInfo.InvariantCulture), b?.Records.ToString(CultureInfo.InvariantCulture), b?.Consequences, b?.Measures,
        b is null ? null : b.PeopleTold ? "yes" : "no", b?.WhyNotTold, StatusWords(i.Status), i.Outcome is null ? null : IncidentService.OutcomeLabel(i.Outcome),
    ];

    public static string StatusWords(IncidentStatus status) => status switch
    {
        IncidentStatus.Received => "Received",
        IncidentStatus.BeingLookedAt => "Being looked at",
        _ => "Closed",
    };

    /// <summary>A stored UTC time as the school's wall clock, sortable: 2026-11-30 14:05.</summary>
    public static string? UkTime(DateTime? utc) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(Schools.School.DefaultTimeZone)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : null;

}
