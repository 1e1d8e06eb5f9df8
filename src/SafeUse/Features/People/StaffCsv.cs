using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace SafeUse.Features.People;

internal enum StaffField
{
    GivenName,
    FamilyName,
    Email,
    StaffCode,
    EmploymentType,
    JobTitle,
    StartDate,
    LeaveDate,
    LineManager,
    Roles,
    StaffGroup,
    NetworkUserName,
    NetworkAliases,
}

/// <summary>A problem with one cell (or a whole row, when Column is null), located as a spreadsheet user would find it.</summary>
internal sealed record ImportProblem(int Line, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"line {Line}: {Message}" : $"line {Line}, column \"{Column}\": {Message}";
}

internal sealed record StaffRow(
    int Line,
    string GivenName,
    string FamilyName,
    string? Email,
    string? StaffCode,
    EmploymentType EmploymentType,
    string? JobTitle,
    DateOnly? StartDate,
    DateOnly? LeaveDate,
    string? LineManager,
    IReadOnlyList<Role> Roles,
    string? StaffGroup = null,
    string? NetworkUserName = null,
    IReadOnlyList<string>? NetworkAliases = null);

/// <summary>A file that is not a staff list at all (binary, or in an encoding SafeUse cannot read), said in a sentence.</summary>
internal sealed class StaffCsvException(string message) : Exception(message);

internal sealed record StaffFile(IReadOnlyList<string> Headings, IReadOnlyDictionary<int, StaffField> Mapping, IReadOnlyList<StaffRow> Rows, IReadOnlyList<ImportProblem> Problems);

/// <summary>Reads staff CSV files as MIS systems export them, with a column mapping that a person can correct.</summary>
internal static class StaffCsv
{
    /// <summary>Upper bound on file size: a 10,000-person trust's export is about 2 MB.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

    // Headings seen in SIMS, Arbor, Bromcom and ScholarPack staff exports, compared without case, spaces or punctuation.
    // Earlier entries win when a file has two candidates (a preferred forename beats a legal one).
    private static readonly (StaffField Field, string[] Names)[] Aliases =
    [
        (StaffField.GivenName, ["preferredforename", "preferredfirstname", "knownas", "forename", "firstname", "givenname", "legalforename", "legalfirstname"]),
        (StaffField.FamilyName, ["legalsurname", "surname", "lastname", "familyname", "preferredsurname"]),
        (StaffField.Email, ["workemail", "workemailaddress", "schoolemail", "email", "emailaddress"]),
        (StaffField.StaffCode, ["staffcode", "staffid", "staffnumber", "employeenumber", "employeeid", "payrollnumber", "code"]),
        (StaffField.EmploymentType, ["employmenttype", "contracttype", "stafftype", "employmentstatus", "type"]),
        (StaffField.JobTitle, ["jobtitle", "post", "position", "roletitle", "title"]),
        (StaffField.StartDate, ["startdate", "employmentstartdate", "dateofarrival", "contractstartdate"]),
        (StaffField.LeaveDate, ["leavedate", "leavingdate", "enddate", "dateofleaving", "contractenddate"]),
        (StaffField.LineManager, ["linemanager", "linemanageremail", "linemanagercode", "manager", "reportsto"]),
        (StaffField.Roles, ["safeuseroles", "roles"]),
        (StaffField.StaffGroup, ["staffgroup", "staffcategory", "category", "group", "teachingsupport"]),

        // "User name" once meant the work email here; MIS and directory exports use it for the network log-on name.
        (StaffField.NetworkUserName, ["networkusername", "networkuser", "networklogin", "username", "login", "loginname", "logonname", "networkid", "samaccountname"]),
        (StaffField.NetworkAliases, ["aliases", "networkaliases", "othernetworknames", "otherusernames"]),
    ];

    private static readonly string[] DateFormats = ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd", "d MMM yyyy", "d MMMM yyyy", "dd-MM-yyyy", "dd.MM.yyyy"];

    public static string Label(this StaffField field) => field switch
    {
        StaffField.GivenName => "First name",
        StaffField.FamilyName => "Last name",
        StaffField.Email => "Work email",
        StaffField.StaffCode => "Staff code",
        StaffField.EmploymentType => "Employment type",
        StaffField.JobTitle => "Job title",
        StaffField.StartDate => "Start date",
        StaffField.LeaveDate => "Leave date",
        StaffField.LineManager => "Line manager (staff code or email)",
        StaffField.Roles => "SafeUse roles",
        StaffField.StaffGroup => "Staff group",
        StaffField.NetworkUserName => "Network user name",
        StaffField.NetworkAliases => "Network aliases",
        _ => field.ToString(),
    };

    /// <summary>The name a field goes by on the command line (<c>--column given-name=Known As</c>).</summary>
    public static string Slug(this StaffField field) =>
        string.Concat(field.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>
    /// The detected mapping with a person's corrections applied: each <c>FIELD=HEADING</c> maps that heading (compared
    /// without case) to that field, replacing whatever either was mapped to. A correction that names no field or no
    /// heading of this file is an error saying which, and what the choices are.
    /// </summary>
    public static IReadOnlyDictionary<int, StaffField> WithCorrections(IReadOnlyList<string> headings, IEnumerable<string> corrections)
    {
        var mapping = new Dictionary<int, StaffField>(DetectMapping(headings));
        foreach (var correction in corrections)
        {
            var eq = correction.IndexOf('=', StringComparison.Ordinal);
            var fieldName = eq < 0 ? correction.Trim() : correction[..eq].Trim();
            var field = Enum.GetValues<StaffField>().Where(f => string.Equals(f.Slug(), fieldName, StringComparison.OrdinalIgnoreCase)).Select(f => (StaffField?)f).FirstOrDefault()
                ?? throw new StaffCsvException($"--column {correction}: \"{fieldName}\" is not a field; use one of {string.Join(", ", Enum.GetValues<StaffField>().Select(f => f.Slug()))}");
            var heading = eq < 0 ? "" : correction[(eq + 1)..].Trim();
            if (heading.Length == 0)
            {
                throw new StaffCsvException($"--column {correction}: say which heading holds {field.Label()}, as FIELD=HEADING (for example --column {field.Slug()}=\"{headings.FirstOrDefault()}\")");
            }

            var index = headings.Select((h, i) => (h, i)).Where(x => string.Equals(x.h, heading, StringComparison.OrdinalIgnoreCase)).Select(x => (int?)x.i).FirstOrDefault()
                ?? throw new StaffCsvException($"--column {correction}: the file has no column headed \"{heading}\"; its headings are {string.Join(", ", headings.Select(h => $"\"{h}\""))}");
            foreach (var stale in mapping.Where(m => m.Value == field).Select(m => m.Key).ToList())
            {
                mapping.Remove(stale);
            }

            mapping[index] = field;
        }

        return mapping;
    }

    public static IReadOnlyDictionary<int, StaffField> DetectMapping(IReadOnlyList<string> headings)
    {
        var mapping = new Dictionary<int, StaffField>();
        var keys = headings.Select(Key).ToList();
        foreach (var (field, names) in Aliases)
        {
            foreach (var name in names)
            {
                var index = keys.FindIndex(k => k == name);
                if (index >= 0 && !mapping.ContainsKey(index))
                {
                    mapping[index] = field;
                    break;
                }
            }
        }

        return mapping;
    }

    /// <summary>Older Windows tools and MIS exports save as Windows-1252 (Latin-1 differs from it in 0x80-0x9F: € ‘ ’ “ ” – —).</summary>
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>
    /// The text of a staff file, or a refusal saying why it is not one: not named .csv or .txt, binary (NUL bytes),
    /// or text in an encoding other than UTF-8, UTF-16 (with its byte order mark) or a plausible Windows-1252.
    /// </summary>
    public static string Read(string fileName, byte[] content)
    {
        var name = Path.GetFileName(fileName);
        if (!name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            throw new StaffCsvException($"{name} must be a CSV file. In Excel, use Save As and choose CSV UTF-8.");
        }

        if (content.Length == 0)
        {
            throw new StaffCsvException($"{name} is empty: it needs a heading row and at least one person.");
        }

        var text = content switch
        {
            [0xFF, 0xFE, ..] => Strict(new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), content.AsSpan(2)),
            [0xFE, 0xFF, ..] => Strict(new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), content.AsSpan(2)),
            _ when Array.IndexOf(content, (byte)0) >= 0 => null,
            _ => Strict(new UTF8Encoding(false, throwOnInvalidBytes: true), content) ?? (PlausiblyWindows1252(content) ? Windows1252.GetString(content) : throw new StaffCsvException($"{name}: the file is not UTF-8 text: save it as CSV UTF-8 (in Excel, Save As and choose CSV UTF-8).")),
        };
        if (text is null || text.Any(c => c is '\0' or (< ' ' and not ('\t' or '\r' or '\n' or '\f' or '\u001A'))))
        {
            throw new StaffCsvException($"{name} must be a CSV file, but it holds binary data, as a spreadsheet or document does. In Excel, use Save As and choose CSV UTF-8.");
        }

        return text.TrimStart('\uFEFF');
    }

    /// <summary>Decodes bytes as UTF-8 (with or without BOM), falling back to Windows-1252 as older MIS exports use.</summary>
    public static string Decode(byte[] content) =>
        (Strict(new UTF8Encoding(false, throwOnInvalidBytes: true), content) ?? Windows1252.GetString(content)).TrimStart('\uFEFF');

    private static string? Strict(Encoding encoding, ReadOnlySpan<byte> content)
    {
        try
        {
            return encoding.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether bytes that are not UTF-8 read sensibly as Windows-1252. Names in Western European languages have an
    /// accented letter here and there between plain ones; Shift-JIS, KOI8-R and other legacy encodings read as
    /// 1252 give bytes 1252 leaves undefined, runs of accented letters, symbols inside words, or case flipping
    /// mid-word (KOI8's lower-case Cyrillic is 1252's upper-case accented Latin).
    /// </summary>
    internal static bool PlausiblyWindows1252(ReadOnlySpan<byte> content)
    {
        var text = Windows1252.GetString(content);
        for (var i = 0; i < content.Length; i++)
        {
            var b = content[i];
            if (b is 0x81 or 0x8D or 0x8F or 0x90 or 0x9D)
            {
                return false;
            }

            if (b < 0x80)
            {
                continue;
            }

            var c = text[i];
            var before = i > 0 ? text[i - 1] : ' ';
            var after = i + 1 < text.Length ? text[i + 1] : ' ';
            var run = 1;
            while (i + run < content.Length && content[i + run] >= 0x80)
            {
                run++;
            }

            if (run >= 3)
            {
                return false;
            }

            if (!char.IsLetter(c) && (before > 0x7F || after > 0x7F || (char.IsLetter(before) && char.IsLetter(after) && c is not ('’' or '‘' or '–'))))
            {
                return false;
            }

            if (char.IsLetter(c) && ((char.IsUpper(c) && char.IsLower(before)) || (char.IsLower(c) && char.IsUpper(before) && before > 0x7F)))
            {
                return false;
            }
        }

        return true;
    }

    public static StaffFile Parse(string text, IReadOnlyDictionary<int, StaffField>? mapping = null)
    {
        var problems = new List<ImportProblem>();
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

                // RawRow is the physical line a record ends on; a quoted cell may span lines, so count back to its start.
                var raw = parser.RawRecord;
                var spanned = CountNewlines(raw) - (raw.EndsWith('\n') ? 1 : 0);
                records.Add((parser.RawRow - spanned, record));
            }
        }

        if (records.Count == 0)
        {
            return new([], new Dictionary<int, StaffField>(), [], [new(1, null, "The file is empty: it needs a heading row and at least one person")]);
        }

        if (records.Count == 1)
        {
            // Imported as it stands, a list of no one would mark every current member of staff as a leaver.
            return new(records[0].Cells.Select(h => h.Trim()).ToList(), new Dictionary<int, StaffField>(), [], [new(records[0].Line, null, "The file has a header row but no staff")]);
        }

        var headings = records[0].Cells.Select(h => h.Trim()).ToList();
        mapping ??= DetectMapping(headings);
        foreach (var required in new[] { StaffField.GivenName, StaffField.FamilyName })
        {
            if (!mapping.Values.Contains(required))
            {
                problems.Add(new(records[0].Line, null, $"No column is mapped to \"{required.Label()}\". Choose which column holds it."));
            }
        }

        if (!mapping.Values.Contains(StaffField.Email) && !mapping.Values.Contains(StaffField.StaffCode))
        {
            problems.Add(new(records[0].Line, null, "No column is mapped to \"Work email\" or \"Staff code\": one of them is needed to recognise people on a re-import."));
        }

        if (problems.Count > 0)
        {
            return new(headings, mapping, [], problems);
        }

        var byField = mapping.GroupBy(m => m.Value).ToDictionary(g => g.Key, g => g.First().Key);

        // A blank preferred forename falls back to another forename column (MIS exports often have both).
        var givenAliases = Aliases.First(a => a.Field == StaffField.GivenName).Names;
        var givenFallbacks = headings.Select((h, i) => (Key: Key(h), Index: i))
            .Where(h => !mapping.ContainsKey(h.Index) && givenAliases.Contains(h.Key)).Select(h => h.Index).ToList();
        var rows = new List<StaffRow>();
        var seenCodes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var seenEmails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var seenNetworkNames = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, cells) in records.Skip(1))
        {
            string? Cell(StaffField f) => byField.TryGetValue(f, out var i) && i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i].Trim() : null;
            string Heading(StaffField f) => headings[byField[f]];
            var rowProblems = new List<ImportProblem>();

            if (cells.Length > headings.Count && cells.Skip(headings.Count).Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                rowProblems.Add(new(line, null, $"The row has {cells.Length} values but the heading row has {headings.Count} columns"));
            }

            var given = Cell(StaffField.GivenName)
                ?? givenFallbacks.Select(i => i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i].Trim() : null).FirstOrDefault(v => v is not null);
            var family = Cell(StaffField.FamilyName);
            if (given is null)
            {
                rowProblems.Add(new(line, Heading(StaffField.GivenName), "First name is empty"));
            }

            if (family is null)
            {
                rowProblems.Add(new(line, Heading(StaffField.FamilyName), "Last name is empty"));
            }

            var email = Cell(StaffField.Email);
            var code = Cell(StaffField.StaffCode);
            if (email is null && code is null)
            {
                rowProblems.Add(new(line, null, "Both the work email and the staff code are empty: at least one is needed"));
            }

            if (email is not null && !Setup.EmailAddress.IsValid(email))
            {
                rowProblems.Add(new(line, Heading(StaffField.Email), $"\"{email}\" is not an email address"));
            }
            else if (email is not null && seenEmails.TryGetValue(email, out var firstEmailLine))
            {
                rowProblems.Add(new(line, Heading(StaffField.Email), $"{email} is also on line {firstEmailLine}"));
            }

            if (code is not null && seenCodes.TryGetValue(code, out var firstCodeLine))
            {
                rowProblems.Add(new(line, Heading(StaffField.StaffCode), $"Staff code {code} is also on line {firstCodeLine}"));
            }

            var type = EmploymentType.Permanent;
            if (Cell(StaffField.EmploymentType) is { } typeText && !TryEmploymentType(typeText, out type))
            {
                rowProblems.Add(new(line, Heading(StaffField.EmploymentType), $"\"{typeText}\" is not an employment type: use permanent, temporary, contractor, volunteer or governor"));
            }

            var start = ParseDate(StaffField.StartDate);
            var leave = ParseDate(StaffField.LeaveDate);
            if (start is not null && leave is not null && leave < start)
            {
                rowProblems.Add(new(line, Heading(StaffField.LeaveDate), "The leave date is before the start date"));
            }

            var roles = new List<Role>();
            if (Cell(StaffField.Roles) is { } rolesText)
            {
                foreach (var part in rolesText.Split([';', ',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (Roles.TryParse(part, out var role))
                    {
                        roles.Add(role);
                    }
                    else
                    {
                        rowProblems.Add(new(line, Heading(StaffField.Roles), $"\"{part}\" is not a SafeUse role (for example staff, line-manager, dsl, head)"));
                    }
                }
            }

            var networkUser = Cell(StaffField.NetworkUserName);
            var aliases = NetworkNames.SplitAliases(Cell(StaffField.NetworkAliases));
            var rowNames = new List<string>();
            if (networkUser is not null)
            {
                CheckNetworkName(networkUser, StaffField.NetworkUserName);
            }
            else if (aliases.Count > 0)
            {
                rowProblems.Add(new(line, Heading(StaffField.NetworkAliases), "Aliases are given but the network user name is empty"));
            }

            foreach (var alias in networkUser is null ? [] : aliases)
            {
                CheckNetworkName(alias, StaffField.NetworkAliases);
            }

            if (email is not null)
            {
                seenEmails.TryAdd(email, line);
            }

            foreach (var key in rowNames)
            {
                seenNetworkNames.TryAdd(key, line);
            }

            if (code is not null)
            {
                seenCodes.TryAdd(code, line);
            }

            problems.AddRange(rowProblems);
            if (rowProblems.Count == 0)
            {
                rows.Add(new StaffRow(line, given!, family!, email, code, type, Cell(StaffField.JobTitle), start, leave, Cell(StaffField.LineManager), roles, Cell(StaffField.StaffGroup),
                    networkUser, networkUser is null ? null : aliases));
            }

            void CheckNetworkName(string name, StaffField f)
            {
                if (NetworkNames.Problem(name) is { } problem)
                {
                    rowProblems.Add(new(line, Heading(f), problem));
                    return;
                }

                var key = NetworkNames.Normalize(name)!;
                if (rowNames.Contains(key))
                {
                    rowProblems.Add(new(line, Heading(f), $"The network name {name} is given twice on this line"));
                }
                else if (seenNetworkNames.TryGetValue(key, out var firstLine))
                {
                    rowProblems.Add(new(line, Heading(f), $"The network name {name} is also on line {firstLine}"));
                }

                rowNames.Add(key);
            }

            DateOnly? ParseDate(StaffField f)
            {
                if (Cell(f) is not { } text)
                {
                    return null;
                }

                // ICU's British English abbreviates September "Sept"; exports write "Sep", as the invariant culture does.
                if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.GetCultureInfo("en-GB"), DateTimeStyles.None, out var d)
                    || DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
                {
                    return d;
                }

                rowProblems.Add(new(line, Heading(f), $"\"{text}\" is not a date: use day/month/year, like 01/09/2025"));
                return null;
            }
        }

        return new(headings, mapping, rows, problems);
    }

    public static bool TryEmploymentType(string text, out EmploymentType type)
    {
        type = Key(text) switch
        {
            "permanent" or "perm" or "fulltime" or "parttime" or "substantive" or "employee" => EmploymentType.Permanent,
            "temporary" or "temp" or "fixedterm" or "supply" or "casual" => EmploymentType.Temporary,
            "contractor" or "contract" or "agency" or "thirdparty" => EmploymentType.Contractor,
            "volunteer" => EmploymentType.Volunteer,
            "governor" or "trustee" => EmploymentType.Governor,
            _ => (EmploymentType)(-1),
        };
        return Enum.IsDefined(type);
    }

    private static int CountNewlines(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (c == '\n')
            {
                n++;
            }
        }

        return n;
    }

    private static string Key(string heading) => new(heading.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
