namespace SafeUse.Features.Policies.Documents;

/// <summary>A policy's text as structure: sections, clauses (nested as the document nests them), tables and the declaration.</summary>
internal sealed class PolicyDocument
{
    public string? Title { get; set; }
    public List<KeyValuePair<string, string>> Metadata { get; } = [];
    public List<DocSection> Sections { get; } = [];
    public List<DocTable> Tables { get; } = [];
    public string? Declaration { get; set; }

    public IEnumerable<DocSection> AllSections() => Sections.SelectMany(s => s.SelfAndDescendants());

    public IEnumerable<(DocSection Section, DocClause Clause)> AllClauses() =>
        AllSections().SelectMany(s => s.Clauses.SelectMany(c => c.SelfAndDescendants()).Select(c => (s, c)));
}

internal sealed class DocSection
{
    public string? Number { get; set; }
    public string? Heading { get; set; }
    public int Level { get; set; } = 1;
    public List<string> Paragraphs { get; } = [];
    public List<DocClause> Clauses { get; } = [];
    public List<DocSection> Sections { get; } = [];

    /// <summary>A key that identifies the section across versions: its heading text, else its number.</summary>
    public string Key => (Heading ?? Number ?? "").Trim().ToLowerInvariant();

    public string Title => string.Join(' ', new[] { Number, Heading }.Where(s => !string.IsNullOrEmpty(s)));

    public IEnumerable<DocSection> SelfAndDescendants() => Sections.SelectMany(s => s.SelfAndDescendants()).Prepend(this);
}

internal sealed class DocClause
{
    public string Id { get; set; } = "";
    public required string Text { get; set; }
    public List<DocClause> Clauses { get; } = [];

    public IEnumerable<DocClause> SelfAndDescendants() => Clauses.SelectMany(c => c.SelfAndDescendants()).Prepend(this);
}

internal sealed class DocTable
{
    public string? Section { get; set; }
    public List<List<string>> Rows { get; } = [];
}

internal sealed class PolicyImportException(string message) : Exception(message);
