using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.Policies;

/// <summary>
/// Renders a version's Markdown as HTML; raw HTML in the text is shown as text, never run, and a link or image
/// whose address is not http, https or mailto (javascript:, data:, vbscript:...) is shown as its text only.
/// </summary>
internal static partial class PolicyText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().Build();

    public static IHtmlContent Render(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);

        // The page's own h1 names the policy, so the text's headings sit one level below it (one h1 per page, and a
        // heading order a screen reader can follow).
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + 1);
        }

        foreach (var inline in document.Descendants<Inline>().ToList())
        {
            switch (inline)
            {
                case LinkInline link when !IsSafeUrl(link.Url):
                    foreach (var child in link.ToList())
                    {
                        child.Remove();
                        link.InsertBefore(child);
                    }

                    link.Remove();
                    break;
                case AutolinkInline autolink when !IsSafeUrl(autolink.Url):
                    autolink.ReplaceBy(new LiteralInline(autolink.Url));
                    break;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        Block? previous = null;
        var tables = 0;
        foreach (var block in document)
        {
            // Directly under the title, where an imported policy's details go, one such line is enough.
            var underTitle = previous is HeadingBlock { Level: 2 } && document.IndexOf(previous) == 0; // the title, demoted above
            previous = block;
            if (block is ParagraphBlock paragraph && DetailLines(markdown, paragraph, underTitle ? 1 : 2) is { } details)
            {
                WriteDetails(writer, details);
            }
            else if (block is Markdig.Extensions.Tables.Table)
            {
                // A table wider than a phone scrolls in its own box, which a keyboard can reach, not the whole page.
                tables++;
                writer.Write($"<div class=\"safeuse-wide\" tabindex=\"0\" role=\"region\" aria-label=\"Table {tables} of the policy\">");
                renderer.Render(block);
                writer.Write("</div>");
            }
            else
            {
                renderer.Render(block);
            }
        }

        writer.Flush();
        return new HtmlString(writer.ToString());
    }

    /// <summary>
    /// A paragraph of <paramref name="fewest"/> or more "Label: value" lines (the "Owner: ...", "Approved by: ...",
    /// "Review cycle: ..." lines at the top of a policy) as (label, value) pairs; null for any other paragraph. As Markdown they run
    /// together into one line of text.
    /// </summary>
    private static List<(string Label, string Value)>? DetailLines(string markdown, ParagraphBlock paragraph, int fewest)
    {
        // The paragraph's own lines are released once its inlines are parsed; its span in the source remains.
        var lines = markdown.Substring(paragraph.Span.Start, paragraph.Span.Length).Split('\n');
        if (lines.Length < fewest)
        {
            return null;
        }

        var details = new List<(string, string)>(lines.Length);
        foreach (var line in lines)
        {
            var match = DetailLine().Match(line);
            if (!match.Success)
            {
                return null;
            }

            details.Add((match.Groups["label"].Value.Trim(), match.Groups["value"].Value.Trim()));
        }

        return details;
    }

    private static void WriteDetails(TextWriter writer, List<(string Label, string Value)> details)
    {
        writer.Write("<dl class=\"govuk-summary-list safeuse-policy-details\">\n");
        foreach (var (label, value) in details)
        {
            writer.Write($"<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">{WebUtility.HtmlEncode(label)}</dt><dd class=\"govuk-summary-list__value\">{WebUtility.HtmlEncode(value)}</dd></div>\n");
        }

        writer.Write("</dl>\n");
    }

    // A short label starting with a capital and no sentence punctuation, a colon, a space, then the value; a colon
    // without a space after it (https://...) is not a label's.
    [GeneratedRegex(@"^\s*(?<label>\p{Lu}[\p{L}\p{N} ()/&'’-]{0,48})\s*:[ \t]+(?<value>\S.*?)\s*$")]
    private static partial Regex DetailLine();

    /// <summary>True for http, https and mailto addresses and for relative ones; false for every other scheme.</summary>
    public static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }

        // Browsers ignore white space and control characters inside a scheme ("java\tscript:"), so they are ignored here too.
        var squeezed = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = squeezed.IndexOf(':', StringComparison.Ordinal);
        var firstSeparator = squeezed.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (firstSeparator >= 0 && firstSeparator < colon))
        {
            return true;
        }

        var scheme = squeezed[..colon];
        return scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);
    }

    public const string DefaultDeclaration = "I have read, understood and agree to follow this policy.";
}
