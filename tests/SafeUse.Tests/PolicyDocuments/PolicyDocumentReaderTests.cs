using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using SafeUse.Features.Policies;
using SafeUse.Features.Policies.Documents;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

public sealed class PolicyDocumentReaderTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "PolicyDocuments", "Fixtures", name));

    private static PolicyDocument Pasted() => PolicyDocumentReader.Read("pasted-aup.txt", Fixture("pasted-aup.txt"));

    [Fact]
    public void Pasted_text_metadata_is_read_with_and_without_colons()
    {
        var doc = Pasted();
        doc.Title.ShouldBe("Hillside Federation");
        doc.Metadata.Select(m => m.Key).ShouldBe(["Policy owner", "Approved by", "Date approved", "Next review date", "Review frequency", "Version"]);
        doc.Sections[0].Paragraphs.ShouldBe(["Online Safety and Acceptable Use Policy for Staff"]);
        doc.Metadata.First(m => m.Key == "Approved by").Value.ShouldBe("Full Governing Body");
        doc.Metadata.First(m => m.Key == "Next review date").Value.ShouldBe("September 2026");
    }

    [Fact]
    public void Numbered_headings_become_nested_sections_and_bullets_nested_clauses()
    {
        var doc = Pasted();
        var equipment = doc.AllSections().Single(s => s.Heading == "Equipment and Accounts");
        equipment.Number.ShouldBe("2");
        var logon = equipment.Sections.Single(s => s.Number == "2.1");
        logon.Heading.ShouldBe("Logging On");
        logon.Clauses.Select(c => c.Text).ShouldBe([
            "Staff log on with their own username at all times.",
            "Passwords are never written on sticky notes or shared with a colleague.",
            "Screens are locked when a classroom is left empty, including at break and lunchtime.",
        ]);
        logon.Clauses[1].Clauses.Select(c => c.Text).ShouldBe(["A passphrase of three random words is recommended.", "Supply staff are given a temporary account by the office."]);
        doc.AllSections().Single(s => s.Number == "3").Clauses.Select(c => c.Text).ShouldBe(["a) School email is used for all school business.", "b) Personal social media is not used in lessons."]);
        doc.AllSections().Single(s => s.Heading == "REPORTING").Paragraphs.ShouldBe(["Anything worrying is reported to the DSL straight away."]);
    }

    [Fact]
    public void Tab_separated_tables_are_tables_in_their_section()
    {
        var table = Pasted().Tables.Single();
        table.Section.ShouldBe("4 Apps and Age Ratings");
        table.Rows.ShouldBe([["App", "Minimum age", "Checked"], ["Chat app", "13", "September 2025"], ["Video app", "16", "September 2025"]]);
    }

    [Fact]
    public void The_signature_slip_is_the_declaration_not_clauses()
    {
        var doc = Pasted();
        doc.Declaration!.ShouldStartWith("Staff Agreement\nI have read and understood the policy above and will follow it.");
        doc.Declaration.ShouldContain("Signed");
        doc.AllClauses().ShouldNotContain(c => c.Clause.Text.Contains("Signed"));
        doc.AllSections().ShouldNotContain(s => s.Heading == "Staff Agreement");
    }

    [Fact]
    public void A_subtitle_three_cell_metadata_rows_and_a_slip_ending_in_a_note_are_understood()
    {
        const string text = "Greenway Academy Trust\n\nSTAFF DIGITAL CONDUCT CODE\n\nCreated\tMarch 2021\tDeputy Head\nApproved\tJuly 2024\tTrust Board\t\n\n"
            + "1. DEVICES\n\n- Laptops stay in school overnight unless signed out.\n\nSIGN AND RETURN\n- I agree to this code.\nName:\t\nSigned:\t\nDate:\t\nKeep the rest of this booklet for reference\n";
        var doc = PolicyDocumentReader.Read("code.txt", Encoding.UTF8.GetBytes(text));
        doc.Title.ShouldBe("Greenway Academy Trust");
        doc.Sections[0].Paragraphs.ShouldBe(["STAFF DIGITAL CONDUCT CODE"]);
        doc.Metadata.ShouldBe([new("Created", "March 2021; Deputy Head"), new("Approved", "July 2024; Trust Board")]);
        doc.Declaration.ShouldBe("SIGN AND RETURN\nI agree to this code.\nName:\nSigned:\nDate:\nKeep the rest of this booklet for reference");
        doc.AllClauses().Select(c => c.Clause.Text).ShouldBe(["Laptops stay in school overnight unless signed out."]);
        AssertNothingLost(text, doc);
        var form = PolicyImport.ToForm(doc);
        form.Title.ShouldBe("STAFF DIGITAL CONDUCT CODE");
        form.Approved.Text.ShouldBe("July 2024");
        form.ApprovalBody.ShouldBe("Trust Board");
        form.Adopted.Text.ShouldBe("March 2021");
        form.Originator.ShouldBe("Deputy Head");
    }

    [Theory]
    [InlineData("pasted-aup.txt")]
    [InlineData("markdown-aup.md")]
    public void Nothing_is_lost_every_line_of_the_file_is_in_the_document(string name)
    {
        var bytes = Fixture(name);
        AssertNothingLost(Encoding.UTF8.GetString(bytes), PolicyDocumentReader.Read(name, bytes));
    }

    [Fact]
    public void Nothing_is_lost_from_the_model_policy()
    {
        var bytes = Encoding.UTF8.GetBytes(ModelPolicy.Markdown);
        var doc = PolicyDocumentReader.Read("model.md", bytes);
        AssertNothingLost(ModelPolicy.Markdown, doc);
        doc.Declaration!.ShouldContain("Tick to confirm");
        doc.AllSections().Count(s => s.Number is not null).ShouldBe(13);
        doc.AllClauses().Count().ShouldBeGreaterThan(50);
    }

    [Fact]
    public void Markdown_headings_lists_tables_and_metadata_are_read()
    {
        var doc = PolicyDocumentReader.Read("markdown-aup.md", Fixture("markdown-aup.md"));
        doc.Title.ShouldBe("Riverbank School Staff AUP");
        doc.Metadata.ShouldContain(new KeyValuePair<string, string>("Review cycle", "2 years"));
        var scope = doc.Sections.Single(s => s.Number == "1");
        scope.Clauses[0].Clauses.Select(c => c.Text).ShouldBe(["Volunteers sign before their first session.", "Students on placement sign with their mentor."]);
        doc.AllSections().Single(s => s.Number == "2.1").Clauses.Single().Text.ShouldBe("Personal phones stay in the staff room.");
        doc.Tables.Single().Rows[1].ShouldBe(["Laptop", "Yes", "School"]);
        doc.Declaration.ShouldBe("3 Declaration\nI confirm that I have read this policy.\nSigned\nDate");
    }

    [Fact]
    public void Word_heading_styles_list_paragraphs_and_tables_are_read()
    {
        var doc = PolicyDocumentReader.Read("policy.docx", Docx());
        doc.Title.ShouldBe("Oakfield Staff AUP");
        doc.Metadata.ShouldContain(new KeyValuePair<string, string>("Owner", "Online Safety Lead"));
        var section = doc.Sections.Single(s => s.Number == "1");
        section.Heading.ShouldBe("Email");
        section.Clauses.Single().Text.ShouldBe("Use school email for school business.");
        section.Clauses.Single().Clauses.Single().Text.ShouldBe("Never forward pupil data to a personal account.");
        doc.Tables.Single().Rows.ShouldBe([["Role", "Contact"], ["DSL", "Room 4"]]);
    }

    [Fact]
    public void Empty_binary_oversized_encrypted_and_damaged_files_get_a_clear_error()
    {
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.txt", [])).Message.ShouldBe("a.txt: the file is empty.");
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.txt", [0x41, 0x00, 0x42])).Message.ShouldContain("not a text file");
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.txt", new byte[PolicyDocumentReader.MaxBytes + 1])).Message.ShouldContain("the limit is 5 MB");
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.docx", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])).Message.ShouldContain("password-protected");
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.docx", "PK not really a zip"u8.ToArray())).Message.ShouldContain("not a Word document SafeUse can read");
        Should.Throw<PolicyImportException>(() => PolicyDocumentReader.Read("a.pdf", "%PDF-1.7"u8.ToArray())).Message.ShouldContain("not .pdf files");
    }

    [Fact]
    public void The_json_has_the_contract_shape()
    {
        using var json = JsonDocument.Parse(PolicyDocumentJson.Serialize(Pasted()));
        var root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["title", "metadata", "sections", "tables", "declaration"]);
        root.GetProperty("metadata").GetProperty("Policy owner").GetString().ShouldBe("Computing Leader");
        var section = root.GetProperty("sections").EnumerateArray().First(s => s.GetProperty("number").GetString() == "2");
        section.EnumerateObject().Select(p => p.Name).ShouldBe(["number", "heading", "paragraphs", "clauses", "sections"]);
        var clause = section.GetProperty("sections")[0].GetProperty("clauses")[1];
        clause.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "text", "clauses"]);
        clause.GetProperty("id").GetString()!.ShouldMatch("^c-[0-9a-f]{6}$");
        clause.GetProperty("clauses")[0].GetProperty("text").GetString().ShouldBe("A passphrase of three random words is recommended.");
    }

    [Fact]
    public void Term_month_and_exact_dates_are_kept_and_computed()
    {
        PolicyDates.Parse("Summer Term 2024").ShouldBe(new DateOnly(2024, 4, 15));
        PolicyDates.Parse("Autumn 2025").ShouldBe(new DateOnly(2025, 9, 1));
        PolicyDates.Parse("spring term 2026").ShouldBe(new DateOnly(2026, 1, 1));
        PolicyDates.Parse("September 2023").ShouldBe(new DateOnly(2023, 9, 1));
        PolicyDates.Parse("1st September 2025").ShouldBe(new DateOnly(2025, 9, 1));
        PolicyDates.Parse("01/09/2025").ShouldBe(new DateOnly(2025, 9, 1));
        PolicyDates.Parse("2025-09-01").ShouldBe(new DateOnly(2025, 9, 1));
        PolicyDates.Parse("when needed").ShouldBeNull();
    }

    /// <summary>Every non-empty line of the input, without its list marker, appears in the document's text.</summary>
    internal static void AssertNothingLost(string input, PolicyDocument doc)
    {
        var all = Norm(string.Join(' ', new[] { doc.Title, doc.Declaration }
            .Concat(doc.Metadata.SelectMany(m => new[] { m.Key, m.Value }))
            .Concat(doc.AllSections().SelectMany(s => new[] { s.Number, s.Heading }.Concat(s.Paragraphs)))
            .Concat(doc.AllClauses().Select(c => c.Clause.Text))
            .Concat(doc.Tables.SelectMany(t => t.Rows.SelectMany(r => r)))));
        var missing = input.Replace("\r\n", "\n").Split('\n')
            .Select(l => Regex.Replace(l.Trim(), @"^(#+|[-*•o]\s+o|[-*•o]|\|)\s*", ""))
            .Select(l => Regex.Replace(l, @"^(\d+(?:\.\d+)*)\.\s", "$1 "))
            .Select(l => l.Trim('|', ' ', '\t'))
            .Where(l => l.Length > 0 && !Regex.IsMatch(l, @"^[-| ]+$"))
            .SelectMany(l => l.Split(['\t', '|'], StringSplitOptions.RemoveEmptyEntries).Select(Norm))
            .Where(l => l.Length > 0 && !all.Contains(l, StringComparison.Ordinal))
            .ToList();
        missing.ShouldBeEmpty();
    }

    private static string Norm(string? s) => Regex.Replace((s ?? "").Replace(":", " "), @"\s+", " ").Trim();

    internal static byte[] Docx()
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            Paragraph P(string text, string? style = null, int? level = null)
            {
                var props = new ParagraphProperties();
                if (style is not null)
                {
                    props.Append(new ParagraphStyleId { Val = style });
                }

                if (level is { } l)
                {
                    props.Append(new NumberingProperties(new NumberingLevelReference { Val = l }, new NumberingId { Val = 1 }));
                }

                return new Paragraph(props, new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            }

            TableCell Cell(string text) => new(new Paragraph(new Run(new Text(text))));
            main.Document = new Document(new Body(
                P("Oakfield Staff AUP", "Title"),
                P("Owner: Online Safety Lead"),
                P("1 Email", "Heading1"),
                P("Use school email for school business.", level: 0),
                P("Never forward pupil data to a personal account.", level: 1),
                new Table(new TableRow(Cell("Role"), Cell("Contact")), new TableRow(Cell("DSL"), Cell("Room 4")))));
        }

        return stream.ToArray();
    }
}
