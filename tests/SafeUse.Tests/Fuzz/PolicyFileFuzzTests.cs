using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using SafeUse.Tests.PolicyDocuments;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.Fuzz;

/// <summary>
/// Hundreds of damaged or hostile policy files, generated from the fixtures with a fixed seed, each through
/// `safeuse policy import --dry-run`: every one is read (exit 0) or refused with a message (exit 2), never a crash.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PolicyFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261201;
    private const int PerKind = 300;
    private readonly string dir = Directory.CreateTempSubdirectory("safeuse-policy-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "PolicyDocuments", "Fixtures", name));

    [Fact]
    public async Task Damaged_text_policies_are_read_or_refused_never_crash() => await RunAsync("txt", TextCases(new Random(Seed)));

    [Fact]
    public async Task Damaged_markdown_policies_are_read_or_refused_never_crash() => await RunAsync("md", MarkdownCases(new Random(Seed)));

    [Fact]
    public async Task Damaged_word_policies_are_read_or_refused_never_crash() => await RunAsync("docx", WordCases(new Random(Seed)));

    private async Task RunAsync(string extension, IEnumerable<(string Kind, byte[] Content)> cases)
    {
        var clock = Stopwatch.StartNew();
        var tally = new Dictionary<int, int>();
        var failures = new List<string>();
        var n = 0;
        foreach (var (kind, content) in cases)
        {
            var path = Path.Combine(dir, $"case{++n:000}-{kind}.{extension}");
            await File.WriteAllBytesAsync(path, content);
            var result = await CapturedCli.RunAsync("policy", "import", path, "--dry-run");
            tally[result.ExitCode] = tally.GetValueOrDefault(result.ExitCode) + 1;
            if (result.Crashed || result.ExitCode is not (0 or 2) || (result.ExitCode == 2 && !result.Error.Contains($"case{n:000}", StringComparison.Ordinal)))
            {
                failures.Add($"{Path.GetFileName(path)}: {result}");
            }

            File.Delete(path);
        }

        output.WriteLine($"{n} .{extension} files in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", tally.OrderBy(t => t.Key).Select(t => $"exit {t.Key}: {t.Value}"))}");
        n.ShouldBe(PerKind);
        failures.ShouldBeEmpty($"{failures.Count} of {n} crashed or were refused without naming the file; the first:\n{string.Join("\n\n", failures.Take(3))}");
    }

    private static IEnumerable<(string, byte[])> TextCases(Random random)
    {
        var fixture = Fixture("pasted-aup.txt");
        var text = Encoding.UTF8.GetString(fixture);
        for (var i = 0; i < PerKind; i++)
        {
            yield return (i % 6) switch
            {
                0 or 1 or 2 => ("bytes", Mutate.Any(random, fixture)),
                3 => ("nested", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 400)).Select(d => new string(' ', d * random.Next(1, 4)) + "- item\n")))),
                4 => ("cells", Encoding.UTF8.GetBytes("Title\n" + string.Join('\n', Enumerable.Range(0, random.Next(1, 50)).Select(_ => string.Join('\t', Enumerable.Repeat("cell", random.Next(1, 500))))))),
                _ => ("numbers", Encoding.UTF8.GetBytes(text + string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(d => string.Join('.', Enumerable.Repeat(random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture), 1 + (d % 9))) + " Heading\n")))),
            };
        }
    }

    private static IEnumerable<(string, byte[])> MarkdownCases(Random random)
    {
        var fixture = Fixture("markdown-aup.md");
        string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));
        for (var i = 0; i < PerKind; i++)
        {
            var depth = random.Next(1, 300);
            yield return (i % 10) switch
            {
                0 or 1 or 2 or 3 => ("bytes", Mutate.Any(random, fixture)),
                4 => ("list", Encoding.UTF8.GetBytes("# T\n\n" + Repeat("- ", depth) + "x\n")),
                5 => ("indented", Encoding.UTF8.GetBytes("# T\n\n" + string.Concat(Enumerable.Range(0, depth).Select(d => new string(' ', d * 2) + "- item\n")))),
                6 => ("quote", Encoding.UTF8.GetBytes("# T\n\n" + Repeat(">", depth) + " x\n")),
                7 => ("mixed", Encoding.UTF8.GetBytes("# T\n\n" + Repeat("> 1. ", depth) + "x\n")),
                8 => ("inline", Encoding.UTF8.GetBytes("# T\n\n" + Repeat(random.Next(3) switch { 0 => "*", 1 => "[", _ => "**_" }, depth * 20) + "x" + Repeat(random.Next(2) == 0 ? "*" : "](u)", depth * 20) + "\n")),
                _ => ("table", Encoding.UTF8.GetBytes("# T\n\n" + Repeat("| a ", depth) + "|\n" + Repeat("| --- ", depth) + "|\n" + Repeat(Repeat("| b ", depth) + "|\n", random.Next(1, 50)))),
            };
        }
    }

    private static IEnumerable<(string, byte[])> WordCases(Random random)
    {
        var docx = PolicyDocumentReaderTests.Docx();
        var xml = Encoding.UTF8.GetString(Part(docx, "word/document.xml"));
        const string Paragraph = "<w:p><w:r><w:t>x</w:t></w:r></w:p>";
        string Body(string inner) => xml[..(xml.IndexOf("<w:body>", StringComparison.Ordinal) + "<w:body>".Length)] + inner + "</w:body></w:document>";
        string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));
        string[] levels = ["-1", "9", "100", "2147483647", "-2147483648", "abc", "", "1e5", "99999999999", "0x10"];
        for (var i = 0; i < PerKind; i++)
        {
            var depth = random.Next(1, 3000);
            yield return (i % 12) switch
            {
                0 or 1 or 2 => ("bytes", Mutate.Any(random, docx)),
                3 or 4 => ("xml", WithPart(docx, "word/document.xml", Mutate.Any(random, Encoding.UTF8.GetBytes(xml)))),
                5 => ("levels", WithPart(docx, "word/document.xml", Encoding.UTF8.GetBytes(xml.Replace("w:ilvl w:val=\"1\"", $"w:ilvl w:val=\"{levels[random.Next(levels.Length)]}\"", StringComparison.Ordinal)))),
                6 => ("tables", WithPart(docx, "word/document.xml", Encoding.UTF8.GetBytes(Body(Repeat("<w:tbl><w:tr><w:tc>", depth) + Paragraph + Repeat("</w:tc></w:tr></w:tbl>", depth))))),
                7 => ("runs", WithPart(docx, "word/document.xml", Encoding.UTF8.GetBytes(Body("<w:p>" + Repeat("<w:hyperlink>", depth) + "<w:r><w:t>x</w:t></w:r>" + Repeat("</w:hyperlink>", depth) + "</w:p>")))),
                8 => ("entries", ZipEntries(random, docx)),
                9 => ("paragraphs", WithPart(docx, "word/document.xml", Encoding.UTF8.GetBytes(Body(Repeat(Paragraph, depth * 10))))),
                10 => ("notzip", Mutate.Any(random, Fixture("markdown-aup.md"))),
                _ => ("crc", CorruptCompressedData(random, docx)),
            };
        }
    }

    internal static byte[] Part(byte[] docx, string name)
    {
        using var zip = new ZipArchive(new MemoryStream(docx), ZipArchiveMode.Read);
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static byte[] WithPart(byte[] docx, string name, byte[]? content, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var stream = new MemoryStream();
        stream.Write(docx);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(name)?.Delete();
            if (content is not null)
            {
                using var part = zip.CreateEntry(name, level).Open();
                part.Write(content);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Parts removed, duplicated or emptied: a package whose pieces do not fit together.</summary>
    private static byte[] ZipEntries(Random random, byte[] docx)
    {
        string[] names = ["word/document.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"];
        var name = names[random.Next(names.Length)];
        return random.Next(3) switch
        {
            0 => WithPart(docx, name, null),
            1 => WithPart(docx, name, []),
            _ => WithPart(docx, name, Mutate.RandomBytes(random, random.Next(1, 100))),
        };
    }

    /// <summary>Bytes changed inside the compressed data only, so the zip directory is whole but a part fails to inflate.</summary>
    private static byte[] CorruptCompressedData(Random random, byte[] docx)
    {
        var copy = (byte[])docx.Clone();
        var at = Encoding.ASCII.GetString(copy).IndexOf("word/document.xml", StringComparison.Ordinal);
        for (var k = 0; k < 4 && at >= 0; k++)
        {
            var i = at + 17 + random.Next(200);
            if (i < copy.Length)
            {
                copy[i] ^= (byte)(1 + random.Next(255));
            }
        }

        return copy;
    }
}
