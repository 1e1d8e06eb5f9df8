using System.Globalization;

namespace SafeUse.Features.Policies.Documents;

/// <summary>What was read from a file, counted in words: "1 section, 3 clauses, 1 table".</summary>
internal static class PolicyDocumentSummary
{
    /// <summary>Sections, clauses and tables, and whether a signature slip became the declaration.</summary>
    public static string Describe(PolicyDocument doc) =>
        $"{Parts(doc)}{(doc.Declaration is null ? "" : ", and a signature slip used as the declaration")}";

    /// <summary>Sections, clauses and tables.</summary>
    public static string Parts(PolicyDocument doc) =>
        $"{Count(doc.AllSections().Count(s => s.Heading is not null), "section")}, {Count(doc.AllClauses().Count(), "clause")}, {Count(doc.Tables.Count, "table")}";

    /// <summary>"1 table", "2 tables", "0 tables".</summary>
    public static string Count(int n, string one, string? many = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");
}
