namespace SafeUse.Features.Policies.Documents;

/// <summary>
/// What reading one policy file may cost. A .docx is a zip: 200 KB can expand to gigabytes, and a 2 KB file can nest
/// tables ten thousand deep, so the compressed size alone bounds nothing. Tests lower these to keep bombs small.
/// </summary>
internal sealed record PolicyReadLimits
{
    public static readonly PolicyReadLimits Default = new();

    public long MaxFileBytes { get; init; } = PolicyDocumentReader.MaxBytes;

    /// <summary>Uncompressed size of one part of a Word file: a 100-page policy's document.xml is 1 to 5 MB.</summary>
    public long MaxPartBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>Uncompressed size of all the parts together (images barely compress, so they count at about their stored size).</summary>
    public long MaxTotalBytes { get; init; } = 50 * 1024 * 1024;

    /// <summary>Parts in a Word file: a long policy with images and headers has a few dozen.</summary>
    public int MaxParts { get; init; } = 1000;

    /// <summary>XML elements in one part: a 100-page policy has 100,000 to 200,000 (paragraphs, runs and their properties); a million take 250 MB to load.</summary>
    public int MaxElements { get; init; } = 500_000;

    /// <summary>XML nesting in a part: a table in a table in a table is about 25 deep; nothing real comes near 100.</summary>
    public int MaxXmlDepth { get; init; } = 100;

    /// <summary>Lists and quotes nested in Markdown: a policy's clauses go three or four levels deep.</summary>
    public int MaxMarkdownNesting { get; init; } = 32;

    /// <summary>Wall-clock time for reading one file: a long policy takes well under a second.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(15);
}
