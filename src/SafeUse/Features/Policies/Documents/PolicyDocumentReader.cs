using System.Text;

namespace SafeUse.Features.Policies.Documents;

/// <summary>Reads a policy from Markdown, plain text or Word, refusing what it cannot read with a reason.</summary>
internal static class PolicyDocumentReader
{
    /// <summary>Policies run to tens of pages; 5 MB leaves room for embedded images in Word files.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public static PolicyDocument Read(string fileName, byte[] content, PolicyReadLimits? limits = null, CancellationToken ct = default)
    {
        limits ??= PolicyReadLimits.Default;
        var name = Path.GetFileName(fileName);
        CheckSize(name, content.Length, limits);

        // Encrypted Office files (and old .doc files) are OLE compound files, not zip packages.
        if (content.Length >= 4 && content[0] == 0xD0 && content[1] == 0xCF && content[2] == 0x11 && content[3] == 0xE0)
        {
            throw new PolicyImportException($"{name}: the file is password-protected, or an old Word .doc file. Remove the password and save it as .docx, then import it again.");
        }

        using var clock = new CancellationTokenSource(limits.MaxTime);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, clock.Token);
        try
        {
            var extension = Path.GetExtension(name).ToLowerInvariant();
            var blocks = extension switch
            {
                ".docx" => WordReader.Read(name, content, limits, budget.Token),
                ".md" or ".markdown" => MarkdownReader.Read(name, Decode(name, content), limits, budget.Token),
                ".txt" or ".text" or "" => TextReader.Read(Decode(name, content)),
                _ => throw new PolicyImportException($"{name}: SafeUse imports Word (.docx), Markdown (.md) and plain text (.txt) files, not {extension} files."),
            };
            budget.Token.ThrowIfCancellationRequested();
            var document = DocumentBuilder.Build(blocks);
            if (document.Title is null && document.Sections.Count == 0)
            {
                throw new PolicyImportException($"{name}: the file has no text.");
            }

            ClauseIdentity.Assign(null, document);
            budget.Token.ThrowIfCancellationRequested();
            return document;
        }
        catch (OperationCanceledException) when (clock.IsCancellationRequested)
        {
            throw new PolicyImportException($"{name}: reading the file took longer than {limits.MaxTime.TotalSeconds:0} seconds, the limit; it is too large or too complex. Split it, or save it again as a simpler document.");
        }
    }

    /// <summary>Called before a file is read into memory at all: a file of gigabytes is refused by its length.</summary>
    public static void CheckSize(string fileName, long length, PolicyReadLimits? limits = null)
    {
        limits ??= PolicyReadLimits.Default;
        var name = Path.GetFileName(fileName);
        if (length == 0)
        {
            throw new PolicyImportException($"{name}: the file is empty.");
        }

        if (length > limits.MaxFileBytes)
        {
            throw new PolicyImportException(TooLarge(name, length, limits.MaxFileBytes));
        }
    }

    /// <summary>The one message for a file over the limit, whether the file or the request carrying it was measured.</summary>
    public static string TooLarge(string name, long? length, long limit) =>
        $"{name}: the file is {(length is { } l ? $"{l / 1024.0 / 1024.0:0.0} MB" : "too large")}; the limit is {limit / 1024 / 1024} MB.";

    public static string Decode(string name, byte[] content)
    {
        if (content.Take(8000).Any(b => b == 0))
        {
            throw new PolicyImportException($"{name}: this is not a text file (it contains binary data). Import Word files as .docx.");
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            // Older Windows tools save as Windows-1252; Latin-1 reads its letters the same.
            return Encoding.Latin1.GetString(content);
        }
    }
}
