using Markdig;
using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.Policies;

/// <summary>Renders a version's Markdown as HTML; raw HTML in the text is shown as text, never run.</summary>
internal static class PolicyText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().Build();

    public static IHtmlContent Render(string markdown) => new HtmlString(Markdown.ToHtml(markdown, Pipeline));

    public const string DefaultDeclaration = "I have read, understood and agree to follow this policy.";
}
