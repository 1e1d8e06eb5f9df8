namespace SafeUse.Features.Policies.Documents;

/// <summary>What every reader (text, Markdown, Word) turns a document into before the structure is built.</summary>
internal abstract record Block(int Line);

internal sealed record HeadingBlock(int Line, int Level, string? Number, string Text) : Block(Line);

internal sealed record ItemBlock(int Line, int Level, string Text) : Block(Line);

internal sealed record ParagraphBlock(int Line, string Text) : Block(Line);

internal sealed record TableRowBlock(int Line, IReadOnlyList<string> Cells) : Block(Line);

internal sealed record BlankBlock(int Line) : Block(Line);
