using System.IO.Packaging;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace SafeUse.Features.Policies.Documents;

/// <summary>Word (.docx): Title and Heading styles become the title and sections, numbered or bulleted paragraphs clauses, tables tables.</summary>
internal static partial class WordReader
{
    public static List<Block> Read(string fileName, byte[] content, PolicyReadLimits limits, CancellationToken ct)
    {
        using var stream = new MemoryStream(content, writable: false);
        WordprocessingDocument document;
        try
        {
            WordPackageCheck.Check(fileName, content, limits, ct);
            // The check has measured every part; the SDK's own limit is a second guard on the one it loads whole.
            document = WordprocessingDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = limits.MaxPartBytes });
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or FileFormatException or InvalidDataException or IOException or XmlException or InvalidOperationException or ArgumentException)
        {
            throw new PolicyImportException($"{fileName}: this is not a Word document SafeUse can read (it may be damaged). Open it in Word and save it again as .docx.");
        }

        using (document)
        {
            W.Body? body;
            try
            {
                body = document.MainDocumentPart?.Document?.Body;
            }
            catch (XmlException ex)
            {
                throw new PolicyImportException($"{fileName}: the Word file is damaged (word/document.xml, line {ex.LineNumber}, column {ex.LinePosition}). Open it in Word and save it again as .docx.");
            }
            catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException or InvalidOperationException)
            {
                throw new PolicyImportException($"{fileName}: the Word file is damaged ({ex.Message}). Open it in Word and save it again as .docx.");
            }

            if (body is null)
            {
                throw new PolicyImportException($"{fileName}: the Word document has no body text.");
            }

            var blocks = new List<Block>();
            var index = 0;
            foreach (var element in body.ChildElements)
            {
                ct.ThrowIfCancellationRequested();
                index++;
                switch (element)
                {
                    case W.Paragraph p:
                        blocks.Add(Paragraph(p, index));
                        break;
                    case W.Table table:
                        foreach (var row in table.Elements<W.TableRow>())
                        {
                            blocks.Add(new TableRowBlock(index, row.Elements<W.TableCell>().Select(c => string.Join(' ', c.Elements<W.Paragraph>().Select(TextOf).Where(t => t.Length > 0))).ToList()));
                        }

                        blocks.Add(new BlankBlock(index));
                        break;
                }
            }

            return blocks;
        }
    }

    private static Block Paragraph(W.Paragraph p, int index)
    {
        var text = TextOf(p).Trim();
        if (text.Length == 0)
        {
            return new BlankBlock(index);
        }

        var style = p.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "";
        if (style.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return new HeadingBlock(index, 0, null, text);
        }

        var heading = HeadingStyle().Match(style);
        if (heading.Success)
        {
            var m = Numbered().Match(text);
            var level = int.Parse(heading.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return m.Success ? new HeadingBlock(index, level, m.Groups["number"].Value, m.Groups["text"].Value.Trim()) : new HeadingBlock(index, level, null, text);
        }

        var numbering = p.ParagraphProperties?.NumberingProperties;
        if (numbering is not null || style.Contains("List", StringComparison.OrdinalIgnoreCase))
        {
            return new ItemBlock(index, ListLevel(numbering) + 1, text);
        }

        var cells = text.Split('\t').Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        return cells.Count >= 2 ? new TableRowBlock(index, cells) : new ParagraphBlock(index, text);
    }

    /// <summary>Word's list levels are 0 to 8; a damaged file may say anything, or something that is not a number.</summary>
    private static int ListLevel(W.NumberingProperties? numbering) =>
        int.TryParse(numbering?.NumberingLevelReference?.Val?.InnerText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var level)
            ? Math.Clamp(level, 0, 8)
            : 0;

    private static string TextOf(W.Paragraph p)
    {
        var sb = new StringBuilder();
        foreach (var e in p.Descendants())
        {
            switch (e)
            {
                case W.Text t:
                    sb.Append(t.Text);
                    break;
                case W.TabChar:
                    sb.Append('\t');
                    break;
                case W.Break or W.CarriageReturn:
                    sb.Append(' ');
                    break;
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^Heading\s?(\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex HeadingStyle();

    [GeneratedRegex(@"^(?<number>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?<text>\S.*)$")]
    private static partial Regex Numbered();
}
