using SafeUse.Features.People;
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
}
