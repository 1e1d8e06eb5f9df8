using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace SafeUse.Platform.Web;

/// <summary>Which boxes a date input has, and which of them must be filled.</summary>
internal enum DateShape
{
    /// <summary>Day, month and year, all needed.</summary>
    Exact,

    /// <summary>Day, month and year; the day may be left empty for a month ("September 2025").</summary>
    DayOptional,

    /// <summary>Day and month only: a day of every year ("1 September").</summary>
    DayOfYear,
}

/// <summary>A date input's boxes as posted (name.Day, name.Month, name.Year), kept as typed.</summary>
internal sealed class DateParts
{
    public string? Day { get; set; }
    public string? Month { get; set; }
    public string? Year { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Day) && string.IsNullOrWhiteSpace(Month) && string.IsNullOrWhiteSpace(Year);

    /// <summary>The date, or null when the boxes are empty or do not make one (see <see cref="Problem"/>).</summary>
    public DateOnly? Value => GovDate.Check("Date", Day, Month, Year, DateShape.Exact).Value;

    public static DateParts From(DateOnly? date) => date is { } d
        ? new() { Day = d.Day.ToString(CultureInfo.InvariantCulture), Month = d.Month.ToString(CultureInfo.InvariantCulture), Year = d.Year.ToString(CultureInfo.InvariantCulture) }
        : new();

    /// <summary>What is wrong with the boxes in the GOV.UK pattern's words ("Start date must be a real date"), or null when they are empty or a real date.</summary>
    public string? Problem(string name) =>
        IsEmpty ? null : GovDate.Check(char.ToUpperInvariant(name[0]) + name[1..], Day, Month, Year, DateShape.Exact).Error;
}

/// <summary>What a date input held: the date (the 1st when only a month was given), whether a day was given, or the problem.</summary>
internal sealed record DateCheck(DateOnly? Value, bool HasDay, string? Error, string? Part)
{
    public static readonly DateCheck Empty = new(null, false, null, null);
}

/// <summary>
/// The GOV.UK date input (day, month and year boxes in a fieldset), and its checks with the pattern's messages:
/// "Review date must include a month", "... must be a real date", each naming the field and linking to the box.
/// Errors go in model state under the field's name and the box (Policy.NextReview.Month), which is also its id.
/// </summary>
internal static class GovDate
{
    private static readonly HtmlEncoder Enc = HtmlEncoder.Default;
    private static readonly string[] PartNames = ["Day", "Month", "Year"];

    /// <summary>Checks the boxes; a date left wholly empty is no date, and an error only when <paramref name="required"/>.</summary>
    public static DateCheck Check(string label, string? day, string? month, string? year, DateShape shape, bool required = false)
    {
        var (d, m, y) = (day?.Trim() ?? "", month?.Trim() ?? "", shape == DateShape.DayOfYear ? "" : year?.Trim() ?? "");
        if (d.Length == 0 && m.Length == 0 && y.Length == 0)
        {
            return required ? new(null, false, $"Enter the {Lower(label)}", "Day") : DateCheck.Empty;
        }

        var missing = new List<string>();
        if (d.Length == 0 && shape != DateShape.DayOptional)
        {
            missing.Add("day");
        }

        if (m.Length == 0)
        {
            missing.Add("month");
        }

        if (y.Length == 0 && shape != DateShape.DayOfYear)
        {
            missing.Add("year");
        }

        if (missing.Count > 0)
        {
            var parts = missing.Count == 1 ? missing[0] : string.Join(", ", missing[..^1]) + " and " + missing[^1];
            return new(null, false, $"{label} must include a {parts}", Capital(missing[0]));
        }

        int? dayNumber = d.Length == 0 ? null : int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var dn) && dn is >= 1 and <= 31 ? dn : 0;
        if (dayNumber == 0)
        {
            return new(null, false, $"{label} must be a real date", "Day");
        }

        if (MonthNumber(m) is not { } monthNumber)
        {
            return new(null, false, $"{label} must be a real date", "Month");
        }

        var yearNumber = 2000; // a leap year, so 29 February is a day of the year
        if (shape != DateShape.DayOfYear)
        {
            if (y.Length != 4 || !int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out yearNumber))
            {
                return new(null, false, $"{label} year must include 4 numbers", "Year");
            }

            if (yearNumber is < 1900 or > 2199)
            {
                return new(null, false, $"{label} must be between 1900 and 2199", "Year");
            }
        }

        if ((dayNumber ?? 1) > DateTime.DaysInMonth(yearNumber, monthNumber))
        {
            return new(null, false, $"{label} must be a real date", "Day");
        }

        return new(new DateOnly(yearNumber, monthNumber, dayNumber ?? 1), dayNumber is not null, null, null);
    }

    /// <summary>Checks the boxes and records any problem under <c>name.Part</c>; returns the date.</summary>
    public static DateCheck Check(ModelStateDictionary state, string name, string label, string? day, string? month, string? year, DateShape shape, bool required = false)
    {
        var check = Check(label, day, month, year, shape, required);
        if (check.Error is { } error)
        {
            state.AddModelError($"{name}.{check.Part}", error);
        }

        return check;
    }

    /// <summary>1 to 12 from "9", "09", "Sep", "Sept" or "September" (GOV.UK accepts month names too).</summary>
    public static int? MonthNumber(string text)
    {
        var t = text.Trim();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 1 and <= 12 ? n : null;
        }

        if (t.Length < 3)
        {
            return null;
        }

        var names = CultureInfo.GetCultureInfo("en-GB").DateTimeFormat.MonthNames;
        for (var i = 0; i < 12; i++)
        {
            if (names[i].StartsWith(t, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>The fieldset: legend, hint, the field's error, and the boxes (those with the problem marked).</summary>
    public static IHtmlContent Input(ModelStateDictionary state, string name, string legend, string? day, string? month, string? year,
        DateShape shape = DateShape.Exact, string? hint = null, string legendClass = "govuk-fieldset__legend--s")
    {
        var id = Gov.Id(name);
        var errorPart = PartNames.FirstOrDefault(p => Gov.Error(state, $"{name}.{p}") is not null);
        var error = errorPart is null ? null : Gov.Error(state, $"{name}.{errorPart}");
        var bad = error is null ? [] : BadParts(day, month, year, shape, errorPart!);
        var describedBy = string.Join(' ', new[] { hint is null ? null : id + "-hint", error is null ? null : id + "-error" }.Where(x => x is not null));
        var boxes = new List<(string Part, string Label, string? Value, string Width)>();
        boxes.Add(("Day", "Day", day, "2"));
        boxes.Add(("Month", "Month", month, "2"));
        if (shape != DateShape.DayOfYear)
        {
            boxes.Add(("Year", "Year", year, "4"));
        }

        var items = string.Concat(boxes.Select(b => $"""
            <div class="govuk-date-input__item">
              <div class="govuk-form-group">
                <label class="govuk-label govuk-date-input__label" for="{id}_{b.Part}">{b.Label}</label>
                <input class="govuk-input govuk-date-input__input govuk-input--width-{b.Width}{(bad.Contains(b.Part) ? " govuk-input--error" : "")}" id="{id}_{b.Part}" name="{name}.{b.Part}" type="text" inputmode="numeric"{(string.IsNullOrEmpty(b.Value) ? "" : $" value=\"{Enc.Encode(b.Value)}\"")}>
              </div>
            </div>
            """));
        return new HtmlString($"""
            <div class="govuk-form-group{(error is null ? "" : " govuk-form-group--error")}">
              <fieldset class="govuk-fieldset" role="group"{(describedBy.Length > 0 ? $" aria-describedby=\"{describedBy}\"" : "")}>
                <legend class="govuk-fieldset__legend {legendClass}">{Enc.Encode(legend)}</legend>
                {(hint is null ? "" : $"<div id=\"{id}-hint\" class=\"govuk-hint\">{Enc.Encode(hint)}</div>")}
                {(error is null ? "" : $"<p id=\"{id}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {Enc.Encode(error)}</p>")}
                <div class="govuk-date-input" id="{id}">{items}</div>
              </fieldset>
            </div>
            """);
    }

    /// <summary>The boxes to mark: those empty or unreadable; all of them when each is fine alone but the date is not real.</summary>
    private static HashSet<string> BadParts(string? day, string? month, string? year, DateShape shape, string errorPart)
    {
        var bad = new HashSet<string>();
        var dayRequired = shape != DateShape.DayOptional || !string.IsNullOrWhiteSpace(day);
        if (dayRequired && !(int.TryParse(day?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 31))
        {
            bad.Add("Day");
        }

        if (MonthNumber(month ?? "") is null)
        {
            bad.Add("Month");
        }

        if (shape != DateShape.DayOfYear && !(year?.Trim() is { Length: 4 } y && int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            bad.Add("Year");
        }

        if (bad.Count == 0 || (bad.Count == 3 && string.IsNullOrWhiteSpace(day) && string.IsNullOrWhiteSpace(month) && string.IsNullOrWhiteSpace(year)))
        {
            return errorPart == "Year" && bad.Count == 0 ? ["Year"] : ["Day", "Month", "Year"];
        }

        return bad;
    }

    private static string Lower(string label) => label.Length == 0 ? label : char.ToLowerInvariant(label[0]) + label[1..];

    private static string Capital(string part) => char.ToUpperInvariant(part[0]) + part[1..];
}
