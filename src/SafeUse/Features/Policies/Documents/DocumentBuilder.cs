using System.Text.RegularExpressions;

namespace SafeUse.Features.Policies.Documents;

/// <summary>Turns a reader's blocks into a PolicyDocument: title, metadata, the signature slip, sections, clauses and tables.</summary>
internal static partial class DocumentBuilder
{
    public static PolicyDocument Build(IReadOnlyList<Block> input)
    {
        var doc = new PolicyDocument();
        var blocks = input.ToList();
        var i = 0;
        SkipBlanks(blocks, ref i);

        // Title: a level-0 heading (Markdown "#", Word's Title style) or a short first line that is not metadata.
        if (i < blocks.Count && blocks[i] is HeadingBlock { Number: null } title && (title.Level == 0 || !blocks.Skip(i + 1).OfType<HeadingBlock>().Any(h => h.Level == 0)))
        {
            doc.Title = title.Text;
            i++;
        }
        else if (i < blocks.Count && blocks[i] is ParagraphBlock first && first.Text.Length <= 150 && MetadataLine(first.Text) is null)
        {
            doc.Title = first.Text;
            i++;
        }

        // Metadata: "Label<TAB>value" rows and "Label: value" lines before the first heading or list. Other lines
        // there (a subtitle, a note) stay, in order, as the opening paragraphs.
        var opening = new List<Block>();
        for (; i < blocks.Count && (blocks[i] is not (HeadingBlock or ItemBlock) || SubtitleBeforeMetadata(blocks, i)); i++)
        {
            if (blocks[i] is HeadingBlock subtitle)
            {
                opening.Add(new ParagraphBlock(subtitle.Line, subtitle.Text));
                continue;
            }

            var pair = blocks[i] switch
            {
                // "Created<TAB>January 2020<TAB>Vice Principal": the label, then the rest of the row as its value.
                TableRowBlock { Cells.Count: >= 2 and <= 4 } row when row.Cells[0].Length is > 0 and <= 40 && !row.Cells[0].Any(char.IsDigit) => (row.Cells[0].TrimEnd(':', ' '), string.Join("; ", row.Cells.Skip(1))),
                ParagraphBlock p => MetadataLine(p.Text),
                _ => ((string, string)?)null,
            };
            if (pair is { } kv)
            {
                doc.Metadata.Add(new(kv.Item1, kv.Item2));
            }
            else if (blocks[i] is TableRowBlock)
            {
                break;
            }
            else
            {
                opening.Add(blocks[i]);
            }
        }

        var end = SlipStart(blocks, i);
        if (end < blocks.Count)
        {
            doc.Declaration = string.Join('\n', blocks.Skip(end).Select(Text).Where(t => t.Length > 0));
        }

        BuildSections(doc, [.. opening, .. blocks.GetRange(i, Math.Max(0, end - i))]);
        return doc;
    }

    private static void BuildSections(PolicyDocument doc, List<Block> blocks)
    {
        var sections = new Stack<DocSection>();
        var items = new Stack<(int Level, DocClause Clause)>();
        DocTable? table = null;

        DocSection Current()
        {
            if (sections.Count == 0)
            {
                var preamble = new DocSection { Level = 1 };
                doc.Sections.Add(preamble);
                sections.Push(preamble);
            }

            return sections.Peek();
        }

        foreach (var block in blocks)
        {
            if (block is not TableRowBlock)
            {
                table = null;
            }

            switch (block)
            {
                case HeadingBlock h:
                    items.Clear();
                    var level = Math.Max(1, h.Level);
                    var section = new DocSection { Number = h.Number, Heading = h.Text, Level = level };
                    while (sections.Count > 0 && sections.Peek().Level >= level)
                    {
                        sections.Pop();
                    }

                    if (sections.Count == 0)
                    {
                        doc.Sections.Add(section);
                    }
                    else
                    {
                        sections.Peek().Sections.Add(section);
                    }

                    sections.Push(section);
                    break;
                case ItemBlock item:
                    var clause = new DocClause { Text = item.Text };
                    while (items.Count > 0 && items.Peek().Level >= item.Level)
                    {
                        items.Pop();
                    }

                    if (items.Count == 0)
                    {
                        Current().Clauses.Add(clause);
                    }
                    else
                    {
                        items.Peek().Clause.Clauses.Add(clause);
                    }

                    items.Push((item.Level, clause));
                    break;
                case ParagraphBlock p:
                    items.Clear();
                    Current().Paragraphs.Add(p.Text);
                    break;
                case TableRowBlock row:
                    items.Clear();
                    if (table is null)
                    {
                        table = new DocTable { Section = sections.Count == 0 ? null : sections.Peek().Title };
                        doc.Tables.Add(table);
                    }

                    table.Rows.Add(row.Cells.ToList());
                    break;
            }
        }
    }

    /// <summary>Where the signature slip at the end begins (its heading, if it has one), or the end of the blocks.</summary>
    private static int SlipStart(List<Block> blocks, int from)
    {
        // A slip may end with a line or two that are not fields ("Please return this sheet", or scanning noise):
        // it ends at the last Name/Signed/Date line if one is among the last few lines.
        var last = blocks.Count - 1;
        var tail = 0;
        for (var k = blocks.Count - 1; k >= from && tail < 4; k--)
        {
            if (blocks[k] is BlankBlock)
            {
                continue;
            }

            if (SlipField().IsMatch(Text(blocks[k])))
            {
                last = k;
                break;
            }

            tail++;
        }

        var start = blocks.Count;
        for (var k = last; k >= from; k--)
        {
            var b = blocks[k];
            if (b is BlankBlock)
            {
                continue;
            }

            if (b is ParagraphBlock or TableRowBlock or ItemBlock && SlipLine().IsMatch(Text(b)))
            {
                start = k;
                continue;
            }

            // The slip's own heading ("Staff Agreement", "Declaration") belongs to it, even when written as a plain line.
            var heading = b switch { HeadingBlock h => h.Text, ParagraphBlock p when p.Text.Length <= 60 && !p.Text.EndsWith('.') => p.Text, _ => null };
            if (heading is not null && start < blocks.Count && SlipHeading().IsMatch(heading))
            {
                start = k;
            }

            break;
        }

        // A slip has somewhere to sign or tick; closing sentences alone ("I will report...") stay in the policy.
        return blocks.Skip(start).Any(b => SlipField().IsMatch(Text(b))) ? start : blocks.Count;
    }

    /// <summary>An unnumbered heading right under the title and above the metadata is a subtitle, not a section.</summary>
    private static bool SubtitleBeforeMetadata(List<Block> blocks, int i)
    {
        if (blocks[i] is not HeadingBlock { Number: null })
        {
            return false;
        }

        var next = blocks.Skip(i + 1).FirstOrDefault(b => b is not BlankBlock);
        return next is TableRowBlock { Cells.Count: >= 2 } || (next is ParagraphBlock p && MetadataLine(p.Text) is not null);
    }

    private static (string, string)? MetadataLine(string text)
    {
        var m = MetadataPattern().Match(text);
        return m.Success ? (m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim()) : null;
    }

    private static string Text(Block b) => b switch
    {
        HeadingBlock h => string.Join(' ', new[] { h.Number, h.Text }.Where(s => !string.IsNullOrEmpty(s))),
        ItemBlock i => i.Text,
        ParagraphBlock p => p.Text,
        TableRowBlock r => string.Join('\t', r.Cells),
        _ => "",
    };

    private static void SkipBlanks(List<Block> blocks, ref int i)
    {
        while (i < blocks.Count && blocks[i] is BlankBlock)
        {
            i++;
        }
    }

    // "Review date: September 2025", "Approved by:  Governors" — a short label of words, then a value.
    [GeneratedRegex(@"^([A-Za-z][A-Za-z /&()'’-]{1,40}?)\s*:\s+(\S.*)$")]
    private static partial Regex MetadataPattern();

    // The lines of a paper signature slip, and the sentences people tick or sign under.
    [GeneratedRegex(@"^(staff |employee |member of staff )?(full )?name\b|^print(ed)? name|^(staff )?name \(print|^sign(ed|ature)?\b|^date\b|^position\b|^job title\b|^role\b|^school\b|^department\b|\btick\b|^I\b.*\b(read|understand|understood|agree|confirm|accept|will)\b|^please (sign|return)|^return (this|the)|^_{3,}|^\.{5,}", RegexOptions.IgnoreCase)]
    private static partial Regex SlipLine();

    [GeneratedRegex(@"^(staff |employee )?(full )?name\b|^print(ed)? name|^sign(ed|ature)?\b|^date\b|\btick\b|_{3,}|\.{5,}", RegexOptions.IgnoreCase)]
    private static partial Regex SlipField();

    [GeneratedRegex(@"declaration|signature|agreement|acknowledg|confirmation|sign[- ]?off|^(please )?sign\b|return (this|the) (form|slip|sheet)", RegexOptions.IgnoreCase)]
    private static partial Regex SlipHeading();
}
