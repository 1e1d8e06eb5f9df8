using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SafeUse.Features.Policies.Documents;

/// <summary>Markdown: "#" is the title, "##" and deeper are sections (numbered or not), list items are clauses.</summary>
internal static partial class MarkdownReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static List<Block> Read(string text)
    {
        var document = Markdown.Parse(text.Replace("\r\n", "\n"), Pipeline);
        var blocks = new List<Block>();
        var sawTitle = false;
        foreach (var block in document)
        {
            Visit(block, blocks, 0, ref sawTitle);
        }

        return blocks;
    }

    private static void Visit(Markdig.Syntax.Block block, List<Block> blocks, int listDepth, ref bool sawTitle)
    {
        var line = block.Line + 1;
        switch (block)
        {
            case Markdig.Syntax.HeadingBlock h:
                var headingText = Inline(h.Inline).Trim();
                var m = Numbered().Match(headingText);
                var level = h.Level == 1 && !sawTitle ? 0 : Math.Max(1, h.Level - 1);
                sawTitle |= h.Level == 1;
                blocks.Add(m.Success && level > 0
                    ? new HeadingBlock(line, level, m.Groups["number"].Value, m.Groups["text"].Value.Trim())
                    : new HeadingBlock(line, level, null, headingText));
                break;
            case ListBlock list:
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var parts = new List<string>();
                    var nested = new List<Markdig.Syntax.Block>();
                    foreach (var child in item)
                    {
                        if (child is Markdig.Syntax.ParagraphBlock p)
                        {
                            parts.Add(Inline(p.Inline).Replace('\n', ' ').Trim());
                        }
                        else
                        {
                            nested.Add(child);
                        }
                    }

                    blocks.Add(new ItemBlock(item.Line + 1, listDepth + 1, string.Join(' ', parts)));
                    foreach (var child in nested)
                    {
                        Visit(child, blocks, listDepth + 1, ref sawTitle);
                    }
                }

                blocks.Add(new BlankBlock(line));
                break;
            case Table table:
                foreach (var row in table.OfType<TableRow>())
                {
                    blocks.Add(new TableRowBlock(row.Line + 1, row.OfType<TableCell>().Select(c => string.Join(' ', c.OfType<LeafBlock>().Select(l => Inline(l.Inline).Trim()))).ToList()));
                }

                blocks.Add(new BlankBlock(line));
                break;
            case Markdig.Syntax.ParagraphBlock p:
                // Lines of one paragraph stay separate: "Owner: ..." metadata is written one per line.
                foreach (var (text, offset) in Inline(p.Inline).Split('\n').Select((t, k) => (t.Trim(), k)).Where(x => x.Item1.Length > 0))
                {
                    blocks.Add(new ParagraphBlock(line + offset, text));
                }

                blocks.Add(new BlankBlock(line));
                break;
            case LeafBlock leaf:
                foreach (var text in leaf.Lines.Lines.Take(leaf.Lines.Count).Select(l => l.ToString().Trim()).Where(t => t.Length > 0))
                {
                    blocks.Add(new ParagraphBlock(line, text));
                }

                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    Visit(child, blocks, listDepth, ref sawTitle);
                }

                break;
        }
    }

    private static string Inline(ContainerInline? inline)
    {
        var sb = new StringBuilder();
        Append(inline, sb);
        return sb.ToString();
    }

    private static void Append(Markdig.Syntax.Inlines.Inline? inline, StringBuilder sb)
    {
        switch (inline)
        {
            case null:
                return;
            case LiteralInline l:
                sb.Append(l.Content);
                break;
            case CodeInline c:
                sb.Append(c.Content);
                break;
            case LineBreakInline:
                sb.Append('\n');
                break;
            case AutolinkInline a:
                sb.Append(a.Url);
                break;
            case HtmlInline html:
                sb.Append(html.Tag);
                break;
            case HtmlEntityInline entity:
                sb.Append(entity.Transcoded);
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    Append(child, sb);
                }

                break;
        }
    }

    [GeneratedRegex(@"^(?<number>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?<text>\S.*)$")]
    private static partial Regex Numbered();
}
