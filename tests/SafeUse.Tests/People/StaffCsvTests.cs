using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Tests.Fuzz;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

public sealed class StaffCsvTests
{
    private const string MisExport = """
        Legal Surname,Legal Forename,Preferred Forename,Work Email,Staff Code,Employment Type,Start Date,Job Title
        Okafor,Chinedu,Chin,c.okafor@oak.sch.uk,COK,Permanent,01/09/2019,Teacher of Maths
        "Smith, Jr",Robert,,r.smith@oak.sch.uk,RSM,Fixed Term,2024-01-08,Cover Supervisor
        """;

    [Fact]
    public void Mis_headings_are_recognised_and_the_preferred_forename_wins()
    {
        var file = StaffCsv.Parse(MisExport);
        file.Problems.ShouldBeEmpty();
        file.Rows.Count.ShouldBe(2);
        var chin = file.Rows[0];
        chin.GivenName.ShouldBe("Chin");
        chin.FamilyName.ShouldBe("Okafor");
        chin.StaffCode.ShouldBe("COK");
        chin.StartDate.ShouldBe(new DateOnly(2019, 9, 1));
        file.Rows[1].FamilyName.ShouldBe("Smith, Jr");
        file.Rows[1].EmploymentType.ShouldBe(EmploymentType.Temporary);
        file.Rows[1].Line.ShouldBe(3);
    }

    [Fact]
    public void Every_problem_is_listed_with_its_line_and_column()
    {
        var file = StaffCsv.Parse("""
            Forename,Surname,Email,Staff Code,Employment Type,Start Date,Leave Date
            Ann,Lee,ann@oak.sch.uk,ALE,permanent,01/09/2020,
            ,Khan,not-an-email,IKH,Wizard,31/02/2020,
            Bob,Day,ann@oak.sch.uk,ALE,temporary,01/09/2022,01/01/2021
            """);
        file.Rows.Count.ShouldBe(1);
        var problems = file.Problems.Select(p => p.ToString()).ToList();
        problems.ShouldContain("line 3, column \"Forename\": First name is empty");
        problems.ShouldContain("line 3, column \"Email\": \"not-an-email\" is not an email address");
        problems.ShouldContain(p => p.StartsWith("line 3, column \"Employment Type\": \"Wizard\" is not an employment type"));
        problems.ShouldContain(p => p.StartsWith("line 3, column \"Start Date\": \"31/02/2020\" is not a date"));
        problems.ShouldContain("line 4, column \"Email\": ann@oak.sch.uk is also on line 2");
        problems.ShouldContain("line 4, column \"Staff Code\": Staff code ALE is also on line 2");
        problems.ShouldContain("line 4, column \"Leave Date\": The leave date is before the start date");
    }

    [Fact]
    public void A_quoted_cell_over_two_lines_keeps_the_line_numbers_of_later_rows_right()
    {
        var file = StaffCsv.Parse("First Name,Last Name,Email,Job Title\nAnn,Lee,ann@oak.sch.uk,\"Head of\nScience\"\n,Day,day@oak.sch.uk,Teacher\n");
        file.Rows[0].JobTitle.ShouldBe("Head of\nScience");
        file.Problems.Single().Line.ShouldBe(4);
    }

    [Fact]
    public void A_file_without_name_columns_asks_for_a_mapping()
    {
        var file = StaffCsv.Parse("Colleague,Contact\nAnn Lee,ann@oak.sch.uk\n");
        file.Problems.Select(p => p.Message).ShouldContain(m => m.Contains("No column is mapped to \"First name\""));
        var mapped = StaffCsv.Parse("Given,Family,Contact\nAnn,Lee,ann@oak.sch.uk\n", new Dictionary<int, StaffField> { [0] = StaffField.GivenName, [1] = StaffField.FamilyName, [2] = StaffField.Email });
        mapped.Problems.ShouldBeEmpty();
        mapped.Rows.Single().Email.ShouldBe("ann@oak.sch.uk");
    }

    [Fact]
    public void The_staff_group_column_is_read()
    {
        StaffCsv.Parse("First Name,Last Name,Email,Staff Category\nAnn,Lee,ann@oak.sch.uk,Support\n").Rows.Single().StaffGroup.ShouldBe("Support");
    }

    [Fact]
    public void An_empty_file_says_so()
    {
        StaffCsv.Parse("").Problems.Single().Message.ShouldContain("The file is empty");
    }

    [Fact]
    public void Windows_1252_files_from_older_systems_are_read()
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes("First Name,Last Name,Email\nZoë,Brontë,zoe@oak.sch.uk\n");
        StaffCsv.Parse(StaffCsv.Decode(bytes)).Rows.Single().GivenName.ShouldBe("Zoë");
    }

    private static Encoding CodePage(int number) => CodePagesEncodingProvider.Instance.GetEncoding(number)!;

    private const string NotUtf8 = "the file is not UTF-8 text: save it as CSV UTF-8";

    [Theory]
    [InlineData(932, "山田,太郎,yamada@oak.sch.uk\n田中,花子,tanaka@oak.sch.uk\n佐藤,健,sato@oak.sch.uk\n")]
    [InlineData(932, "鈴木,一郎,suzuki@oak.sch.uk\n")]
    [InlineData(932, "高橋,美咲,takahashi@oak.sch.uk\n")]
    [InlineData(20866, "Иванов,Иван,ivanov@oak.sch.uk\n")]
    [InlineData(20866, "Ли,Ян,li@oak.sch.uk\n")]
    [InlineData(1251, "Петров,Пётр,petrov@oak.sch.uk\n")]
    [InlineData(1253, "Παπαδόπουλος,Νίκος,nikos@oak.sch.uk\n")]
    public void Text_in_a_legacy_encoding_other_than_windows_1252_is_refused_not_garbled(int codePage, string rows)
    {
        var bytes = CodePage(codePage).GetBytes("Surname,Forename,Email\n" + rows);
        Should.Throw<StaffCsvException>(() => StaffCsv.Read("staff.csv", bytes)).Message.ShouldBe($"staff.csv: {NotUtf8} (in Excel, Save As and choose CSV UTF-8).");
    }

    [Theory]
    [InlineData("Zoë,Brontë")]
    [InlineData("Seán,O’Brien")]
    [InlineData("François,Dupré-Lefèvre")]
    [InlineData("Søren,Ærø")]
    [InlineData("Jürgen,Straße")]
    [InlineData("ÉLODIE,MÜLLER")]
    [InlineData("Nuño,Peña – cover (€120/day)")]
    public void Windows_1252_names_from_older_systems_are_read_as_1252(string names)
    {
        var text = "First Name,Last Name,Email\n" + names + ",zoe@oak.sch.uk\n";
        var row = StaffCsv.Parse(StaffCsv.Read("staff.csv", CodePage(1252).GetBytes(text))).Rows.Single();
        $"{row.GivenName},{row.FamilyName}".ShouldBe(names);
    }

    [Fact]
    public void Utf8_with_and_without_a_byte_order_mark_and_utf16_with_one_are_read()
    {
        const string text = "First Name,Last Name,Email\n山田,太郎,yamada@oak.sch.uk\n";
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(text), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)], [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)], [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)] })
        {
            StaffCsv.Parse(StaffCsv.Read("staff.csv", bytes)).Rows.Single().GivenName.ShouldBe("山田");
        }
    }

    [Fact]
    public void Binary_files_and_files_not_named_csv_are_not_staff_lists()
    {
        Should.Throw<StaffCsvException>(() => StaffCsv.Read("staff.csv", [.. "First Name,Last Name\n"u8, 0, 1, 2])).Message.ShouldStartWith("staff.csv must be a CSV file, but it holds binary data");
        Should.Throw<StaffCsvException>(() => StaffCsv.Read("staff.csv", [.. "First Name,Last Name\nAnn,Lee\u0003\n"u8])).Message.ShouldStartWith("staff.csv must be a CSV file");
        Should.Throw<StaffCsvException>(() => StaffCsv.Read("staff.xlsx", "First Name,Last Name\n"u8.ToArray())).Message.ShouldBe("staff.xlsx must be a CSV file. In Excel, use Save As and choose CSV UTF-8.");
        Should.Throw<StaffCsvException>(() => StaffCsv.Read("staff.csv", [])).Message.ShouldStartWith("staff.csv is empty");
    }

    [Fact]
    public void Sep_and_sept_are_both_september()
    {
        StaffCsv.Parse("First Name,Last Name,Email,Start Date\nAnn,Lee,ann@oak.sch.uk,1 Sep 2023\nBo,Day,bo@oak.sch.uk,1 Sept 2023\n").Rows.Select(r => r.StartDate)
            .ShouldBe([new DateOnly(2023, 9, 1), new DateOnly(2023, 9, 1)]);
    }

    [Fact]
    public void A_header_row_without_staff_is_an_error()
    {
        StaffCsv.Parse("First Name,Last Name,Email\n\n").Problems.Single().ToString().ShouldBe("line 1: The file has a header row but no staff");
    }
}

/// <summary>`safeuse import staff` refuses what is not a staff list before it opens the database, with exit 2 and nothing written.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StaffCsvCommandTests : IAsyncLifetime
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

    private async Task<CapturedCli.Result> ImportAsync(string name, byte[] content)
    {
        var path = Path.Combine(db.DataDirectory, name);
        await File.WriteAllBytesAsync(path, content);
        return await CapturedCli.RunAsync("import", "staff", path, "--school", "100001", "--mark-leavers", "--data-dir", db.DataDirectory);
    }

    private async Task ShouldBeRefusedAsync(CapturedCli.Result result, string message)
    {
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Crashed.ShouldBeFalse(result.ToString());
        result.Error.ShouldContain(message, Case.Sensitive, result.ToString());
        await using var ctx = db.Context();
        (await ctx.People.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_shift_jis_or_koi8_file_is_refused_as_not_utf8()
    {
        var shiftJis = CodePagesEncodingProvider.Instance.GetEncoding(932)!.GetBytes("Surname,Forename,Email\n山田,太郎,yamada@oak.sch.uk\n");
        await ShouldBeRefusedAsync(await ImportAsync("sjis.csv", shiftJis), "sjis.csv: the file is not UTF-8 text: save it as CSV UTF-8");
        var koi8 = CodePagesEncodingProvider.Instance.GetEncoding(20866)!.GetBytes("Surname,Forename,Email\nИванов,Иван,ivanov@oak.sch.uk\n");
        await ShouldBeRefusedAsync(await ImportAsync("koi8.csv", koi8), "koi8.csv: the file is not UTF-8 text: save it as CSV UTF-8");
    }

    [Fact]
    public async Task A_windows_1252_file_imports_its_names_as_written()
    {
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes("Surname,Forename,Email\nO’Brien,Zoë,zoe@oak.sch.uk\n");
        var result = await ImportAsync("1252.csv", bytes);
        result.ExitCode.ShouldBe(0, result.ToString());
        await using var ctx = db.Context();
        var person = await ctx.People.SingleAsync();
        (person.GivenName, person.FamilyName).ShouldBe(("Zoë", "O’Brien"));
    }

    [Fact]
    public async Task A_binary_file_is_refused_as_not_a_csv_file_as_the_web_page_does()
    {
        await ShouldBeRefusedAsync(await ImportAsync("staff.csv", [.. "Forename,Surname,Email\n"u8, 0, 0, 0, .. "Ann,Lee,ann@oak.sch.uk\n"u8]), "staff.csv must be a CSV file");
        await ShouldBeRefusedAsync(await ImportAsync("staff.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 6, 0]), "staff.xlsx must be a CSV file. In Excel, use Save As and choose CSV UTF-8.");
    }

    [Fact]
    public async Task A_header_only_file_is_an_error_not_a_list_of_no_one()
    {
        await ShouldBeRefusedAsync(await ImportAsync("empty.csv", "Forename,Surname,Email\n"u8.ToArray()), "empty.csv: line 1: The file has a header row but no staff");
    }
}
