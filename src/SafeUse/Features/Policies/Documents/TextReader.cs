using System.Text.RegularExpressions;

namespace SafeUse.Features.Policies.Documents;

/// <summary>
/// Plain text as schools paste it: numbered headings ("4.2 Internet Use"), bullets written as -, •, o or "- o",
/// Label-TAB-value metadata, tab-separated tables, and continuation lines of a bullet.
/// </summary>
internal static partial class TextReader
{
    public static List<Block> Read(string text)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var blocks = new List<Block>();
        var listIndents = new List<(int Indent, int Level)>();
        for (var n = 0; n < lines.Length; n++)
        {
            var raw = lines[n].TrimEnd();
            var line = n + 1;
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                blocks.Add(new BlankBlock(line));
                continue;
            }

            var indent = Indent(raw);
            var bullet = Bullet().Match(trimmed);
            if (bullet.Success)
            {
                var sub = bullet.Groups["sub"].Success;
                blocks.Add(new ItemBlock(line, ListLevel(listIndents, indent, sub, blocks), bullet.Groups["text"].Value.Trim()));
                continue;
            }

            if (trimmed.Contains('\t'))
            {
                var cells = trimmed.Split('\t').Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
                if (cells.Count >= 2)
                {
                    listIndents.Clear();
                    blocks.Add(new TableRowBlock(line, cells));
                    continue;
                }

                trimmed = cells.Count == 1 ? cells[0] : trimmed;
            }

            var numbered = NumberedHeading().Match(trimmed);
            if (numbered.Success)
            {
                var number = numbered.Groups["number"].Value;
                var rest = numbered.Groups["text"].Value.Trim();
                var isHeading = rest.Length <= 80 && !rest.EndsWith('.') && !rest.EndsWith(';') && !rest.EndsWith(',') && char.IsUpper(rest[0]);
                if (isHeading)
                {
                    listIndents.Clear();
                    blocks.Add(new HeadingBlock(line, number.Count(c => c == '.') + 1, number, rest));
                }
                else
                {
                    blocks.Add(new ItemBlock(line, ListLevel(listIndents, indent, false, blocks), number + " " + rest));
                }

                continue;
            }

            var lettered = LetteredItem().Match(trimmed);
            if (lettered.Success)
            {
                blocks.Add(new ItemBlock(line, ListLevel(listIndents, indent, true, blocks), trimmed));
                continue;
            }

            // A line right under a bullet, indented, continues it.
            if (indent > 0 && blocks.Count > 0 && blocks[^1] is ItemBlock previous)
            {
                blocks[^1] = previous with { Text = previous.Text + " " + trimmed };
                continue;
            }

            listIndents.Clear();
            if (LooksLikeHeading(trimmed, lines, n))
            {
                blocks.Add(new HeadingBlock(line, 1, null, trimmed));
                continue;
            }

            blocks.Add(new ParagraphBlock(line, trimmed));
        }

        return blocks;
    }

    /// <summary>Nesting from indentation relative to the list so far; "o" and "- o" bullets sit one level deeper.</summary>
    private static int ListLevel(List<(int Indent, int Level)> list, int indent, bool sub, List<Block> blocks)
    {
        var continuing = blocks.Count > 0 && blocks[^1] is ItemBlock or BlankBlock && list.Count > 0;
        if (!continuing)
        {
            list.Clear();
        }

        int level;
        if (list.Count == 0)
        {
            level = sub ? 2 : 1;
        }
        else
        {
            var last = list[^1];
            if (indent > last.Indent)
            {
                level = last.Level + 1;
            }
            else if (indent == last.Indent)
            {
                level = sub && last.Level == 1 ? 2 : !sub && last.Level > 1 && indent == list[0].Indent ? 1 : last.Level;
            }
            else
            {
                var match = list.LastOrDefault(x => x.Indent <= indent);
                level = match == default ? 1 : match.Level;
            }
        }

        list.RemoveAll(x => x.Level >= level);
        list.Add((indent, level));
        return level;
    }

    private static bool LooksLikeHeading(string text, string[] lines, int n)
    {
        if (text.Length > 80 || text.EndsWith('.') || text.EndsWith(',') || text.EndsWith(';') || !char.IsLetter(text[0]) || !char.IsUpper(text[0]))
        {
            return false;
        }

        var letters = text.Where(char.IsLetter).ToList();
        if (letters.Count >= 3 && letters.All(char.IsUpper))
        {
            return true;
        }

        // A short line followed by a list, or standing alone between blank lines, reads as a heading.
        var next = lines.Skip(n + 1).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        var prevBlank = n == 0 || lines[n - 1].Trim().Length == 0;
        return text.Length <= 60 && prevBlank && next is not null && (Bullet().IsMatch(next) || (n + 1 < lines.Length && lines[n + 1].Trim().Length == 0 && !text.EndsWith(':')));
    }

    private static int Indent(string raw)
    {
        var width = 0;
        foreach (var c in raw)
        {
            if (c == ' ')
            {
                width++;
            }
            else if (c == '\t')
            {
                width += 4;
            }
            else
            {
                break;
            }
        }

        return width;
    }

    // -, *, •, ●, ▪, ·, –, and the Symbol-font bullet Word pastes as U+F0B7; "o", "◦", "- o" are sub-bullets.
    [GeneratedRegex(@"^(?:(?<sub>(?:[-–]\s*)?[o◦○])|[-*•●▪·–\uF0B7\uF0A7])\s+(?<text>\S.*)$")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^(?<number>\d{1,2}(?:\.\d{1,2}){0,4})\.?\)?\s+(?<text>\S.*)$")]
    private static partial Regex NumberedHeading();

    [GeneratedRegex(@"^(?:\(?[a-z]\)|[a-z]\.|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s+\S")]
    private static partial Regex LetteredItem();
}
