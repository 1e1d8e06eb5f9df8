using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace SafeUse.Platform.Web;

/// <summary>GOV.UK Frontend form markup (label, hint, error message, input) so every form reads and validates alike.</summary>
internal static class Gov
{
    private static readonly HtmlEncoder Enc = HtmlEncoder.Default;
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static string Id(string name) => name.Replace('.', '_').Replace('[', '_').Replace(']', '_');

    public static string? Error(ModelStateDictionary state, string name) =>
        state.TryGetValue(name, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    public static IHtmlContent Input(ModelStateDictionary state, string name, string label, string? value, string type = "text",
        string? hint = null, string? autocomplete = null, string width = "", bool spellcheck = false)
    {
        var id = Id(name);
        var error = Error(state, name);
        var attempted = state.TryGetValue(name, out var entry) && type != "password" ? entry.AttemptedValue : null;
        var shown = type == "password" ? null : attempted ?? value;
        var describedBy = string.Join(' ', new[] { hint is null ? null : id + "-hint", error is null ? null : id + "-error" }.Where(x => x is not null));
        var html = $"""
            <div class="govuk-form-group{(error is null ? "" : " govuk-form-group--error")}">
              <label class="govuk-label" for="{id}">{Enc.Encode(label)}</label>
              {(hint is null ? "" : $"<div id=\"{id}-hint\" class=\"govuk-hint\">{Enc.Encode(hint)}</div>")}
              {(error is null ? "" : $"<p id=\"{id}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {Enc.Encode(error)}</p>")}
              <input class="govuk-input{(width.Length > 0 ? " govuk-input--width-" + width : "")}{(error is null ? "" : " govuk-input--error")}" id="{id}" name="{name}" type="{type}"{(shown is null ? "" : $" value=\"{Enc.Encode(shown)}\"")}{(autocomplete is null ? "" : $" autocomplete=\"{autocomplete}\"")}{(describedBy.Length > 0 ? $" aria-describedby=\"{describedBy}\"" : "")}{(spellcheck ? "" : " spellcheck=\"false\"")}>
            </div>
            """;
        return new HtmlString(html);
    }

    /// <summary>The error summary at the top of a form, each error linking to its field.</summary>
    /// <param name="state">The page's model state.</param>
    /// <param name="order">
    /// The form's field names in the order they appear (a name also covers its parts: "Policy.NextReview" covers
    /// "Policy.NextReview.Month"), so the summary lists errors in form order; model state keeps its keys sorted
    /// by name. Errors for names not listed follow, and errors for the whole form ("") come first.
    /// </param>
    public static IHtmlContent ErrorSummary(ModelStateDictionary state, IReadOnlyList<string>? order = null)
    {
        if (state.IsValid)
        {
            return HtmlString.Empty;
        }

        var items = state.Where(kv => kv.Value is not null && kv.Value.Errors.Count > 0)
            .OrderBy(kv => FormPosition(kv.Key, order))
            .SelectMany(kv => kv.Value!.Errors.Select(e => kv.Key.Length == 0
                ? $"<li>{Enc.Encode(e.ErrorMessage)}</li>"
                : $"<li><a href=\"#{Id(kv.Key)}\">{Enc.Encode(e.ErrorMessage)}</a></li>"));
        return new HtmlString($"""
            <div class="govuk-error-summary" data-module="govuk-error-summary">
              <div role="alert">
                <h2 class="govuk-error-summary__title">There is a problem</h2>
                <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">{string.Concat(items)}</ul></div>
              </div>
            </div>
            """);
    }

    /// <summary>Where a model state key comes in a form whose field names are given in order (see <see cref="ErrorSummary"/>).</summary>
    public static int FormPosition(string key, IReadOnlyList<string>? order)
    {
        if (key.Length == 0)
        {
            return -1;
        }

        var (rank, length) = (int.MaxValue, -1);
        for (var i = 0; order is not null && i < order.Count; i++)
        {
            var name = order[i];
            var covers = key.Equals(name, StringComparison.OrdinalIgnoreCase)
                || (key.Length > name.Length && key.StartsWith(name, StringComparison.OrdinalIgnoreCase) && key[name.Length] is '.' or '[');
            if (covers && name.Length > length)
            {
                (rank, length) = (i, name.Length);
            }
        }

        return rank;
    }

    public static string Local(DateTime? utc) => utc is null ? "" :
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc.Value, DateTimeKind.Utc), London).ToString("d MMM yyyy HH:mm", CultureInfo.GetCultureInfo("en-GB"));

    /// <summary>A phrase as a sentence: its first letter a capital.</summary>
    public static string Sentence(string phrase) => phrase.Length == 0 ? phrase : char.ToUpperInvariant(phrase[0]) + phrase[1..];

    public static string Date(DateOnly? date) => date?.ToString("d MMM yyyy", CultureInfo.GetCultureInfo("en-GB")) ?? "";
}
