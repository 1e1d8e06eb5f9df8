using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using SafeUse.Features.People;

namespace SafeUse.Features.Pupils;

internal sealed record ContactRow(int Position, string Name, string? Email, string? Relationship, bool ParentalResponsibility);

internal sealed record PupilRow(
    int Line,
    string Upn,
    string LegalGivenName,
    string LegalFamilyName,
    string? PreferredGivenName,
    string? PreferredFamilyName,
    int YearGroup,
    DateOnly? DateOfBirth,
    string? NetworkUserName,
    IReadOnlyList<ContactRow> Contacts);

internal sealed record PupilFile(IReadOnlyList<string> Headings, IReadOnlyList<PupilRow> Rows, IReadOnlyList<ImportProblem> Problems);

/// <summary>
/// The DfE unique pupil number: a check letter, then 12 characters (LA code, establishment number, year, serial).
/// A permanent UPN's last 12 are digits; a temporary one ends in a letter, valued as the check letters are.
/// </summary>
internal static class Upn
{
    // The check letters for remainders 0 to 22: the alphabet without I, O and S (DfE, "Unique pupil numbers (UPN)").
    private const string Letters = "ABCDEFGHJKLMNPQRTUVWXYZ";

    /// <summary>The check letter of the 12 characters after it, or null when they are not 11 digits and a digit or letter.</summary>
    public static char? CheckLetter(string rest)
    {
        if (rest.Length != 12)
        {
            return null;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            var c = rest[i];
            int value;
            if (c is >= '0' and <= '9')
            {
                value = c - '0';
            }
            else if (i == 11 && Letters.IndexOf(c) is >= 0 and var index)
            {
                value = index;
            }
            else
            {
                return null;
            }

            // Character 2 of the UPN has weight 2, character 13 weight 13.
            sum += value * (i + 2);
        }

        return Letters[sum % 23];
    }

    /// <summary>Why the text is not a UPN, or null when it is one.</summary>
    public static string? Problem(string upn)
    {
        if (upn.Length != 13)
        {
            return $"\"{upn}\" is not a UPN: it must be 13 characters, a letter then 12 digits";
        }

        if (CheckLetter(upn[1..]) is not { } letter)
        {
            return $"\"{upn}\" is not a UPN: after its first letter it must have 12 digits (or 11 and a letter, for a temporary UPN)";
        }

        return upn[0] == letter ? null : $"\"{upn}\" is not a UPN: its check letter should be {letter}, so a character is probably mistyped";
    }
}

internal static class YearGroups
{
    public const int Nursery = -1;
    public const int Reception = 0;

    public static string Label(int year) => year switch
    {
        Nursery => "Nursery",
        Reception => "Reception",
        _ => $"Year {year}",
    };

    public static IEnumerable<int> All => Enumerable.Range(Nursery, 15);

    public static bool TryParse(string text, out int year)
    {
        var key = new string(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        year = key switch
        {
            "n" or "nursery" or "n1" or "n2" or "yn" => Nursery,
            "r" or "rec" or "reception" or "yr" or "yearr" => Reception,
            _ => -2,
        };
        if (year != -2)
        {
            return true;
        }

        var digits = key.StartsWith("year", StringComparison.Ordinal) ? key[4..] : key.StartsWith('y') ? key[1..] : key;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year is >= 1 and <= 13;
    }
}

/// <summary>
/// Reads pupil CSV files as MIS systems export them. Headings are compared without case, spaces or punctuation;
/// contacts are numbered groups: "Contact 1 Name", "Contact 1 Email", "Contact 1 Relationship", "Contact 1
/// Parental Responsibility", then "Contact 2 ...", as many as the file has.
/// </summary>
internal static partial class PupilCsv
{
    private enum Field { Upn, LegalFamilyName, LegalGivenName, PreferredFamilyName, PreferredGivenName, YearGroup, DateOfBirth, NetworkUserName }

    private static readonly (Field Field, string Label, string[] Names)[] Columns =
    [
        (Field.Upn, "UPN", ["upn", "uniquepupilnumber"]),
        (Field.LegalFamilyName, "Legal Surname", ["legalsurname", "surname", "lastname", "familyname"]),
        (Field.LegalGivenName, "Legal Forename", ["legalforename", "forename", "firstname", "givenname"]),
        (Field.PreferredFamilyName, "Preferred Surname", ["preferredsurname"]),
        (Field.PreferredGivenName, "Preferred Forename", ["preferredforename", "knownas"]),
        (Field.YearGroup, "Year Group", ["yeargroup", "year", "ncyear", "ncyearactual", "curriculumyear"]),
        (Field.DateOfBirth, "Date of Birth", ["dateofbirth", "dob", "birthdate"]),
        (Field.NetworkUserName, "Network Username", ["networkusername", "username", "login", "loginname", "logonname", "networklogin"]),
    ];

    private static readonly string[] DateFormats = ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd", "d MMM yyyy", "d MMMM yyyy", "dd-MM-yyyy", "dd.MM.yyyy"];

    [GeneratedRegex("^contact(?<n>[0-9]{1,2})(?<part>name|fullname|email|emailaddress|relationship|parentalresponsibility|pr)$")]
    private static partial Regex ContactHeading();

    public static PupilFile Parse(string text, DateOnly today)
    {
        var records = new List<(int Line, string[] Cells)>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, BadDataFound = null, TrimOptions = TrimOptions.Trim, IgnoreBlankLines = true };
        using (var parser = new CsvParser(new StringReader(text), config))
        {
            while (parser.Read())
            {
                var record = parser.Record ?? [];
                if (record.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                var raw = parser.RawRecord;
                var spanned = raw.Count(c => c == '\n') - (raw.EndsWith('\n') ? 1 : 0);
                records.Add((parser.RawRow - spanned, record));
            }
        }

        if (records.Count == 0)
        {
            return new([], [], [new(1, null, "The file is empty: it needs a heading row and at least one pupil")]);
        }

        var headings = records[0].Cells.Select(h => h.Trim()).ToList();
        if (records.Count == 1)
        {
            // Imported as it stands, a list of no one would make every pupil a leaver.
            return new(headings, [], [new(records[0].Line, null, "The file has a heading row but no pupils")]);
        }

        var keys = headings.Select(h => new string(h.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray())).ToList();
        var byField = new Dictionary<Field, int>();
        foreach (var (field, _, names) in Columns)
        {
            foreach (var name in names)
            {
                var index = keys.IndexOf(name);
                if (index >= 0 && !byField.ContainsValue(index))
                {
                    byField[field] = index;
                    break;
                }
            }
        }

        var contacts = new SortedDictionary<int, Dictionary<string, int>>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (ContactHeading().Match(keys[i]) is { Success: true } m)
            {
                var part = m.Groups["part"].Value switch { "fullname" => "name", "emailaddress" => "email", "pr" => "parentalresponsibility", var p => p };
                var group = contacts.TryGetValue(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), out var g) ? g : contacts[int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)] = [];
                group.TryAdd(part, i);
            }
        }

        var problems = new List<ImportProblem>();
        foreach (var required in new[] { Field.Upn, Field.LegalFamilyName, Field.LegalGivenName, Field.YearGroup })
        {
            if (!byField.ContainsKey(required))
            {
                problems.Add(new(records[0].Line, null, $"No column is headed \"{Columns.First(c => c.Field == required).Label}\": the file needs one"));
            }
        }

        if (problems.Count > 0)
        {
            return new(headings, [], problems);
        }

        var rows = new List<PupilRow>();
        var seenUpns = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenNames = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, cells) in records.Skip(1))
        {
            string? At(int i) => i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i].Trim() : null;
            string? Cell(Field f) => byField.TryGetValue(f, out var i) ? At(i) : null;
            string Heading(Field f) => headings[byField[f]];
            var rowProblems = new List<ImportProblem>();
            void Problem(Field f, string message) => rowProblems.Add(new(line, Heading(f), message));

            if (cells.Length > headings.Count && cells.Skip(headings.Count).Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                rowProblems.Add(new(line, null, $"The row has {cells.Length} values but the heading row has {headings.Count} columns"));
            }

            var upn = Cell(Field.Upn)?.ToUpperInvariant();
            if (upn is null)
            {
                Problem(Field.Upn, "UPN is empty");
            }
            else if (Upn.Problem(upn) is { } upnProblem)
            {
                Problem(Field.Upn, upnProblem);
            }
            else if (seenUpns.TryGetValue(upn, out var firstUpnLine))
            {
                Problem(Field.Upn, $"UPN {upn} is also on line {firstUpnLine}");
            }

            var given = Cell(Field.LegalGivenName);
            var family = Cell(Field.LegalFamilyName);
            if (given is null)
            {
                Problem(Field.LegalGivenName, "Legal forename is empty");
            }

            if (family is null)
            {
                Problem(Field.LegalFamilyName, "Legal surname is empty");
            }

            foreach (var f in new[] { Field.LegalGivenName, Field.LegalFamilyName, Field.PreferredGivenName, Field.PreferredFamilyName })
            {
                if (Cell(f) is { Length: > 100 })
                {
                    Problem(f, "A name must be 100 characters or fewer");
                }
            }

            var year = 0;
            if (Cell(Field.YearGroup) is not { } yearText)
            {
                Problem(Field.YearGroup, "Year group is empty");
            }
            else if (!YearGroups.TryParse(yearText, out year))
            {
                Problem(Field.YearGroup, $"\"{yearText}\" is not a year group: use Nursery, Reception, or Year 1 to Year 13 (N, R or 1 to 13 also work)");
            }

            DateOnly? born = null;
            if (Cell(Field.DateOfBirth) is { } bornText)
            {
                if (DateOnly.TryParseExact(bornText, DateFormats, CultureInfo.GetCultureInfo("en-GB"), DateTimeStyles.None, out var d)
                    || DateOnly.TryParseExact(bornText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
                {
                    born = d;
                    if (d > today)
                    {
                        Problem(Field.DateOfBirth, "The date of birth is in the future");
                    }
                }
                else
                {
                    Problem(Field.DateOfBirth, $"\"{bornText}\" is not a date: use day/month/year, like 07/03/2015");
                }
            }

            var user = Cell(Field.NetworkUserName);
            string? userKey = null;
            if (user is not null)
            {
                if (NetworkNames.Problem(user) is { } nameProblem)
                {
                    Problem(Field.NetworkUserName, nameProblem);
                }
                else
                {
                    userKey = NetworkNames.Normalize(user)!;
                    if (seenNames.TryGetValue(userKey, out var firstNameLine))
                    {
                        Problem(Field.NetworkUserName, $"The network user name {user} is also on line {firstNameLine}");
                    }
                }
            }

            var contactRows = new List<ContactRow>();
            foreach (var (n, parts) in contacts)
            {
                string? Part(string p) => parts.TryGetValue(p, out var i) ? At(i) : null;
                string PartHeading(string p) => headings[parts[p]];
                var name = Part("name");
                var email = Part("email");
                var relationship = Part("relationship");
                var prText = Part("parentalresponsibility");
                if (name is null && email is null && relationship is null && prText is null)
                {
                    continue;
                }

                if (name is null)
                {
                    rowProblems.Add(new(line, parts.ContainsKey("name") ? PartHeading("name") : $"Contact {n} Name", $"Contact {n} has details but no name"));
                }
                else if (name.Length > 200)
                {
                    rowProblems.Add(new(line, PartHeading("name"), "A contact's name must be 200 characters or fewer"));
                }

                if (email is not null && !Setup.EmailAddress.IsValid(email))
                {
                    rowProblems.Add(new(line, PartHeading("email"), $"\"{email}\" is not an email address"));
                }

                if (relationship is { Length: > 100 })
                {
                    rowProblems.Add(new(line, PartHeading("relationship"), "A relationship must be 100 characters or fewer"));
                }

                var pr = false;
                if (prText is not null && !TryYesNo(prText, out pr))
                {
                    rowProblems.Add(new(line, PartHeading("parentalresponsibility"), $"\"{prText}\" is not yes or no"));
                }

                if (name is not null)
                {
                    contactRows.Add(new(n, name, email, relationship, pr));
                }
            }

            if (upn is not null)
            {
                seenUpns.TryAdd(upn, line);
            }

            if (userKey is not null)
            {
                seenNames.TryAdd(userKey, line);
            }

            problems.AddRange(rowProblems);
            if (rowProblems.Count == 0)
            {
                rows.Add(new PupilRow(line, upn!, given!, family!, Cell(Field.PreferredGivenName), Cell(Field.PreferredFamilyName), year, born, user, contactRows));
            }
        }

        return new(headings, rows, problems);
    }

    /// <summary>The heading a field's column has in this file (for problems found after parsing).</summary>
    public static string NetworkUserNameHeading(PupilFile file) =>
        file.Headings.FirstOrDefault(h => Columns.First(c => c.Field == Field.NetworkUserName).Names.Contains(new string(h.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray())))
        ?? "Network Username";

    private static bool TryYesNo(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "yes" or "y" or "true" or "1" or "t":
                value = true;
                return true;
            case "no" or "n" or "false" or "0" or "f":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
