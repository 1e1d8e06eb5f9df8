namespace SafeUse.Features.Incidents;

/// <summary>
/// A school's own questions for a kind of report, as an administrator writes them: one per line, "(required)" at the
/// end of those that must be answered. Answers are stored under the question's words, not a position, so a report
/// keeps its questions and answers when the school later edits or removes them.
/// </summary>
internal static class OwnQuestions
{
    public const int Max = 5;
    public const int MaxLength = 200;
    public const int MaxStored = 2_000;
    public const string RequiredMark = "(required)";

    /// <summary>The prefix of an own question's code on the form, and of its answer's key in the stored report.</summary>
    public const string CodePrefix = "own-";
    public const string AnswerPrefix = "own:";

    /// <summary>The questions as report fields (codes own-1, own-2... on the form), in the order written.</summary>
    public static IReadOnlyList<ReportField> Fields(string? stored) =>
        Lines(stored).Select((line, i) =>
        {
            var required = line.EndsWith(RequiredMark, StringComparison.OrdinalIgnoreCase);
            var label = required ? line[..^RequiredMark.Length].TrimEnd() : line;
            return new ReportField(CodePrefix + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), label, FieldType.Text, required);
        }).ToList();

    public static bool IsOwn(ReportField field) => field.Code.StartsWith(CodePrefix, StringComparison.Ordinal);

    /// <summary>What is wrong with the questions as typed (kind's name for the messages), or null; <paramref name="normal"/> is what to store.</summary>
    public static string? Check(string? typed, string kindName, out string? normal)
    {
        var lines = Lines(typed);
        normal = lines.Count == 0 ? null : string.Join('\n', lines);
        if (lines.Count > Max)
        {
            return $"\"{kindName}\" can have at most {Max} questions of your own (one per line): it has {lines.Count}";
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var label = lines[i].EndsWith(RequiredMark, StringComparison.OrdinalIgnoreCase) ? lines[i][..^RequiredMark.Length].TrimEnd() : lines[i];
            if (label.Length == 0)
            {
                return $"Question {i + 1} for \"{kindName}\" is only \"{RequiredMark}\": write the question before it";
            }

            if (label.Length > MaxLength)
            {
                return $"Question {i + 1} for \"{kindName}\" must be {MaxLength} characters or fewer";
            }

            if (lines.Take(i).Any(l => string.Equals(l, lines[i], StringComparison.OrdinalIgnoreCase)))
            {
                return $"Question {i + 1} for \"{kindName}\" is the same as an earlier one: ask each only once";
            }
        }

        return null;
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
}
