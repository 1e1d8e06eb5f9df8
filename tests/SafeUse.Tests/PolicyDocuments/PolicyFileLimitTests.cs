using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies.Documents;
using SafeUse.Tests.Fuzz;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

/// <summary>The security report's files, each through `safeuse policy import` as it was found: a message, exit 2, nothing saved.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PolicyFileLimitTests : IAsyncLifetime
{
    private readonly TestDatabase db = TestDatabase.Sqlite();

    public async Task InitializeAsync()
    {
        await db.MigrateAsync();
        await using var ctx = db.Context();
        await Seed.TrustAsync(ctx);
    }

    public Task DisposeAsync()
    {
        db.Dispose();
        return Task.CompletedTask;
    }

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    internal static byte[] DocxWithBody(string body)
    {
        var docx = PolicyDocumentReaderTests.Docx();
        var xml = Encoding.UTF8.GetString(PolicyFileFuzzTests.Part(docx, "word/document.xml"));
        var open = xml[..(xml.IndexOf("<w:body>", StringComparison.Ordinal) + "<w:body>".Length)];
        return PolicyFileFuzzTests.WithPart(docx, "word/document.xml", Encoding.UTF8.GetBytes(open + body + "</w:body></w:document>"), CompressionLevel.SmallestSize);
    }

    private async Task<CapturedCli.Result> ImportAsync(string name, byte[] content)
    {
        var path = Path.Combine(db.DataDirectory, name);
        await File.WriteAllBytesAsync(path, content);
        return await CapturedCli.RunAsync("policy", "import", path, "--data-dir", db.DataDirectory);
    }

    private async Task ShouldBeRefusedAsync(CapturedCli.Result result, string message)
    {
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Crashed.ShouldBeFalse(result.ToString());
        result.Error.ShouldContain(message, Case.Sensitive, result.ToString());
        await using var ctx = db.Context();
        (await ctx.Policies.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_word_file_whose_text_expands_past_20_MB_is_refused_without_being_loaded()
    {
        // About 25 KB on disk: the text of one paragraph is 21 MB of one letter.
        var bomb = DocxWithBody("<w:p><w:r><w:t>" + new string('a', 21 * 1024 * 1024) + "</w:t></w:r></w:p>");
        bomb.Length.ShouldBeLessThan(100_000);
        await ShouldBeRefusedAsync(await ImportAsync("bomb.docx", bomb), "bomb.docx: part word/document.xml of the Word file uncompresses to more than 20 MB; the limit is 20 MB.");
    }

    [Fact]
    public async Task Ten_thousand_nested_tables_are_refused_by_their_depth()
    {
        var nested = DocxWithBody(Repeat("<w:tbl><w:tr><w:tc>", 10_000) + "<w:p/>" + Repeat("</w:tc></w:tr></w:tbl>", 10_000));
        nested.Length.ShouldBeLessThan(5_000);
        await ShouldBeRefusedAsync(await ImportAsync("nested.docx", nested), "nested.docx: part word/document.xml of the Word file is nested more than 100 deep (line 1, column");
    }

    [Fact]
    public async Task A_malformed_document_part_is_reported_with_its_line_and_column()
    {
        var broken = DocxWithBody("<w:p><w:r><w:t>Unclosed</w:r></w:p>");
        await ShouldBeRefusedAsync(await ImportAsync("broken.docx", broken), "broken.docx: the Word file is damaged (word/document.xml, line 1, column");
    }

    [Fact]
    public async Task Damaged_compressed_data_is_a_damaged_file_not_a_crash()
    {
        var docx = PolicyDocumentReaderTests.Docx();
        var at = Encoding.ASCII.GetString(docx).IndexOf("word/document.xml", StringComparison.Ordinal) + 17;
        for (var i = 0; i < 40; i++)
        {
            docx[at + 10 + i] ^= 0x5A;
        }

        await ShouldBeRefusedAsync(await ImportAsync("damaged.docx", docx), "damaged.docx: ");
    }

    [Fact]
    public async Task Word_list_levels_outside_0_to_8_or_not_numbers_are_read_as_the_nearest_level()
    {
        foreach (var level in new[] { "-1", "2147483647", "abc" })
        {
            var docx = DocxWithBody($"<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>AUP</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>Lock your screen.</w:t></w:r></w:p>");
            var result = await ImportAsync("levels.docx", docx);
            result.ExitCode.ShouldBe(0, result.ToString());
            result.Out.ShouldContain(", 1 clause, ");
        }
    }

    [Theory]
    [InlineData("- ", "list")]
    [InlineData("> ", "quote")]
    [InlineData("1. ", "numbered list")]
    public async Task Markdown_nested_a_hundred_deep_is_refused_with_its_line(string marker, string kind)
    {
        var markdown = "# AUP\n\nIntro.\n\n" + Repeat(marker, 100) + "Deep " + kind + ".\n";
        await ShouldBeRefusedAsync(await ImportAsync("deep.md", Encoding.UTF8.GetBytes(markdown)), "deep.md, line 5: lists or quotes are nested more than 32 deep; the limit is 32.");
    }

    [Fact]
    public async Task Markdown_nested_past_markdig_s_own_limit_is_refused_too()
    {
        var markdown = "# AUP\n\n" + string.Concat(Enumerable.Range(0, 300).Select(d => new string(' ', 2 * d) + "- item\n"));
        var result = await ImportAsync("deeper.md", Encoding.UTF8.GetBytes(markdown));
        await ShouldBeRefusedAsync(result, "lists or quotes are nested more than 32 deep; the limit is 32.");
        result.Error.ShouldStartWith("error: deeper.md");
    }

    [Fact]
    public async Task A_file_over_2_GB_is_refused_by_its_size_before_it_is_read()
    {
        var path = Path.Combine(db.DataDirectory, "huge.docx");
        await using (var file = File.Create(path))
        {
            // Sparse: the file system stores none of it, but it reports 2 GB and reading it would need them all.
            file.SetLength(2L * 1024 * 1024 * 1024 + 1);
        }

        await ShouldBeRefusedAsync(await CapturedCli.RunAsync("policy", "import", path, "--data-dir", db.DataDirectory), "huge.docx: the file is 2048.0 MB; the limit is 5 MB.");
    }

    [Fact]
    public void All_the_parts_together_have_a_budget_as_well_as_each_part()
    {
        var docx = PolicyDocumentReaderTests.Docx();
        foreach (var n in Enumerable.Range(1, 3))
        {
            docx = PolicyFileFuzzTests.WithPart(docx, $"customXml/item{n}.xml", Encoding.UTF8.GetBytes("<a>" + new string(' ', 400_000) + "</a>"));
        }

        var limits = new PolicyReadLimits { MaxPartBytes = 500_000, MaxTotalBytes = 1_000_000 };
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("parts.docx", docx, limits))
            .Message.ShouldBe("parts.docx: the Word file uncompresses to more than 1 MB; the limit is 1 MB. Remove large images or save it again from Word.");
        Should.NotThrow(() => PolicyDocumentReader.Read("parts.docx", docx, limits with { MaxTotalBytes = 2_000_000 }));
    }

    [Fact]
    public void Reading_has_a_time_limit()
    {
        var limits = new PolicyReadLimits { MaxTime = TimeSpan.Zero };
        foreach (var (name, content) in new[] { ("slow.docx", PolicyDocumentReaderTests.Docx()), ("slow.md", "# AUP\n\n- Be kind.\n"u8.ToArray()), ("slow.txt", "AUP\n\n- Be kind.\n"u8.ToArray()) })
        {
            Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read(name, content, limits))
                .Message.ShouldStartWith($"{name}: reading the file took longer than 0 seconds, the limit;");
        }
    }
}
