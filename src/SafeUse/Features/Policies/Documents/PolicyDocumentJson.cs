using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SafeUse.Features.Policies.Documents;

/// <summary>The JSON of `safeuse policy import --dry-run --json`, and how a version stores its structure.</summary>
internal static class PolicyDocumentJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(PolicyDocument doc) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["title"] = doc.Title,
        ["metadata"] = doc.Metadata.GroupBy(m => m.Key).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(m => m.Value))),
        ["sections"] = doc.Sections.Select(Section).ToList(),
        ["tables"] = doc.Tables.Select(t => new Dictionary<string, object?> { ["section"] = t.Section, ["rows"] = t.Rows }).ToList(),
        ["declaration"] = doc.Declaration,
    }, Options);

    public static PolicyDocument Deserialize(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        var doc = new PolicyDocument { Title = Str(root, "title"), Declaration = Str(root, "declaration") };
        foreach (var m in root.GetProperty("metadata").EnumerateObject())
        {
            doc.Metadata.Add(new(m.Name, m.Value.GetString() ?? ""));
        }

        doc.Sections.AddRange(root.GetProperty("sections").EnumerateArray().Select(s => ReadSection(s, 1)));
        foreach (var t in root.GetProperty("tables").EnumerateArray())
        {
            var table = new DocTable { Section = Str(t, "section") };
            table.Rows.AddRange(t.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString() ?? "").ToList()));
            doc.Tables.Add(table);
        }

        return doc;
    }

    /// <summary>The canonical Markdown of a document (without its declaration): what a version stores and shows.</summary>
    public static string ToMarkdown(PolicyDocument doc)
    {
        var sb = new StringBuilder();
        if (doc.Title is not null)
        {
            sb.Append("# ").Append(doc.Title).Append("\n\n");
        }

        foreach (var (key, value) in doc.Metadata)
        {
            sb.Append(key).Append(": ").Append(value).Append('\n');
        }

        if (doc.Metadata.Count > 0)
        {
            sb.Append('\n');
        }

        var tables = doc.Tables.ToLookup(t => t.Section);
        foreach (var section in doc.Sections)
        {
            WriteSection(sb, section, 2, tables);
        }

        foreach (var table in tables[null])
        {
            WriteTable(sb, table);
        }

        return sb.ToString().TrimEnd() + "\n";
    }

    private static void WriteSection(StringBuilder sb, DocSection s, int depth, ILookup<string?, DocTable> tables)
    {
        if (s.Heading is not null || s.Number is not null)
        {
            sb.Append(new string('#', Math.Min(6, depth))).Append(' ').Append(s.Title).Append("\n\n");
        }

        foreach (var p in s.Paragraphs)
        {
            sb.Append(Escape(p)).Append("\n\n");
        }

        foreach (var c in s.Clauses)
        {
            WriteClause(sb, c, 0);
        }

        if (s.Clauses.Count > 0)
        {
            sb.Append('\n');
        }

        if (s.Heading is not null || s.Number is not null)
        {
            foreach (var table in tables[s.Title])
            {
                WriteTable(sb, table);
            }
        }

        foreach (var child in s.Sections)
        {
            WriteSection(sb, child, depth + 1, tables);
        }
    }

    private static void WriteClause(StringBuilder sb, DocClause c, int depth)
    {
        sb.Append(new string(' ', depth * 2)).Append("- ").Append(c.Text).Append('\n');
        foreach (var child in c.Clauses)
        {
            WriteClause(sb, child, depth + 1);
        }
    }

    private static void WriteTable(StringBuilder sb, DocTable t)
    {
        if (t.Rows.Count == 0)
        {
            return;
        }

        var width = t.Rows.Max(r => r.Count);
        for (var i = 0; i < t.Rows.Count; i++)
        {
            sb.Append("| ").AppendJoin(" | ", Enumerable.Range(0, width).Select(k => k < t.Rows[i].Count ? t.Rows[i][k].Replace("|", "\\|") : "")).Append(" |\n");
            if (i == 0)
            {
                sb.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", width))).Append('\n');
            }
        }

        sb.Append('\n');
    }

    // A paragraph that would read as Markdown structure ("- x", "1. x", "# x") keeps its text by escaping the marker.
    private static string Escape(string p) => p.Length > 0 && (p[0] is '-' or '*' or '+' or '#' or '>' || (char.IsDigit(p[0]) && p.Contains(". ", StringComparison.Ordinal))) ? "\\" + p : p;

    private static Dictionary<string, object?> Section(DocSection s) => new()
    {
        ["number"] = s.Number,
        ["heading"] = s.Heading,
        ["paragraphs"] = s.Paragraphs,
        ["clauses"] = s.Clauses.Select(Clause).ToList(),
        ["sections"] = s.Sections.Select(Section).ToList(),
    };

    private static Dictionary<string, object?> Clause(DocClause c) => new()
    {
        ["id"] = c.Id,
        ["text"] = c.Text,
        ["clauses"] = c.Clauses.Select(Clause).ToList(),
    };

    private static DocSection ReadSection(JsonElement e, int level)
    {
        var s = new DocSection { Number = Str(e, "number"), Heading = Str(e, "heading"), Level = level };
        s.Paragraphs.AddRange(e.GetProperty("paragraphs").EnumerateArray().Select(p => p.GetString() ?? ""));
        s.Clauses.AddRange(e.GetProperty("clauses").EnumerateArray().Select(ReadClause));
        s.Sections.AddRange(e.GetProperty("sections").EnumerateArray().Select(c => ReadSection(c, level + 1)));
        return s;
    }

    private static DocClause ReadClause(JsonElement e)
    {
        var c = new DocClause { Id = Str(e, "id") ?? "", Text = Str(e, "text") ?? "" };
        c.Clauses.AddRange(e.GetProperty("clauses").EnumerateArray().Select(ReadClause));
        return c;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
