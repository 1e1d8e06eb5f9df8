using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.Policies;

/// <summary>
/// Renders a version's Markdown as HTML; raw HTML in the text is shown as text, never run, and a link or image
/// whose address is not http, https or mailto (javascript:, data:, vbscript:...) is shown as its text only.
/// </summary>
internal static class PolicyText
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

        return new HtmlString(document.ToHtml(Pipeline));
    }

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
