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

    /// <summary>A version's own text, as written in SafeUse's editor.</summary>
    public static List<Block> Read(string text) => Read("The policy text", text, PolicyReadLimits.Default, CancellationToken.None);

    public static List<Block> Read(string name, string text, PolicyReadLimits limits, CancellationToken ct)
    {
        text = text.Replace("\r\n", "\n");
        CheckLinePrefixes(name, text, limits);
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(text, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses nesting past its own limit (about 128) with an ArgumentException.
            throw TooDeep(name, null, limits);
        }

        ct.ThrowIfCancellationRequested();
        CheckNesting(name, document, limits, ct);
        var blocks = new List<Block>();
        var sawTitle = false;
        foreach (var block in document)
        {
            Visit(block, blocks, 0, ref sawTitle);
        }

        return blocks;
    }

    /// <summary>
    /// "- - - - x" or "> > > x": nesting written on one line, counted before Markdig parses it (it refuses deep
    /// nesting itself, but without saying where). Nesting built up over many lines is counted after parsing.
    /// </summary>
    private static void CheckLinePrefixes(string name, string text, PolicyReadLimits limits)
    {
        var line = 1;
        var depth = 0;
        var atPrefix = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                (line, depth, atPrefix) = (line + 1, 0, true);
                continue;
            }

            if (!atPrefix || c is ' ' or '\t')
            {
                continue;
            }

            var marker = c switch
            {
                '>' => 1,
                '-' or '*' or '+' when i + 1 < text.Length && text[i + 1] is ' ' or '\t' => 1,
                _ when char.IsAsciiDigit(c) => OrderedMarker(text, i),
                _ => 0,
            };
            if (marker == 0)
            {
                atPrefix = false;
                continue;
            }

            if (++depth > limits.MaxMarkdownNesting)
            {
                throw TooDeep(name, line, limits);
            }

            i += marker - 1;
        }
    }

    /// <summary>The length of "12. " or "3) " at <paramref name="i"/> without its space, or 0 if there is none.</summary>
    private static int OrderedMarker(string text, int i)
    {
        var end = i;
        while (end < text.Length && end - i < 9 && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end + 1 < text.Length && text[end] is '.' or ')' && text[end + 1] is ' ' or '\t' ? end + 1 - i : 0;
    }

    /// <summary>Lists and quotes within each other, counted without recursion so that the count itself cannot overflow the stack.</summary>
    private static void CheckNesting(string name, MarkdownDocument document, PolicyReadLimits limits, CancellationToken ct)
    {
        var pending = new Stack<(Markdig.Syntax.Block Block, int Depth)>();
        pending.Push((document, 0));
        var visited = 0;
        while (pending.TryPop(out var next))
        {
            if (++visited % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var depth = next.Block is ListBlock or QuoteBlock ? next.Depth + 1 : next.Depth;
            if (depth > limits.MaxMarkdownNesting)
            {
                throw TooDeep(name, next.Block.Line + 1, limits);
            }

            if (next.Block is ContainerBlock container)
            {
                foreach (var child in container)
                {
                    pending.Push((child, depth));
                }
            }
        }
    }

    private static PolicyImportException TooDeep(string name, int? line, PolicyReadLimits limits) =>
        new($"{name}{(line is null ? "" : $", line {line}")}: lists or quotes are nested more than {limits.MaxMarkdownNesting} deep; the limit is {limits.MaxMarkdownNesting}. Flatten the lists and import it again.");

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

    /// <summary>Inline text in order, walked with a stack: emphasis and links can nest as deep as a file cares to.</summary>
    private static void Append(Markdig.Syntax.Inlines.Inline? inline, StringBuilder sb)
    {
        var pending = new Stack<Markdig.Syntax.Inlines.Inline>();
        if (inline is not null)
        {
            pending.Push(inline);
        }

        while (pending.TryPop(out var next))
        {
            switch (next)
            {
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
                    foreach (var child in container.Reverse())
                    {
                        pending.Push(child);
                    }

                    break;
            }
        }
    }

    [GeneratedRegex(@"^(?<number>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?<text>\S.*)$")]
    private static partial Regex Numbered();
}
