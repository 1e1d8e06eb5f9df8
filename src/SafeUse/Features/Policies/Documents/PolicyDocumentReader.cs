using System.Text;

namespace SafeUse.Features.Policies.Documents;

/// <summary>Reads a policy from Markdown, plain text or Word, refusing what it cannot read with a reason.</summary>
internal static class PolicyDocumentReader
{
    /// <summary>Policies run to tens of pages; 5 MB leaves room for embedded images in Word files.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public static PolicyDocument Read(string fileName, byte[] content)
    {
        var name = Path.GetFileName(fileName);
        if (content.Length == 0)
        {
            throw new PolicyImportException($"{name}: the file is empty.");
        }

        if (content.Length > MaxBytes)
        {
            throw new PolicyImportException($"{name}: the file is {content.Length / 1024 / 1024.0:0.0} MB; the limit is {MaxBytes / 1024 / 1024} MB.");
        }

        // Encrypted Office files (and old .doc files) are OLE compound files, not zip packages.
        if (content.Length >= 4 && content[0] == 0xD0 && content[1] == 0xCF && content[2] == 0x11 && content[3] == 0xE0)
        {
            throw new PolicyImportException($"{name}: the file is password-protected, or an old Word .doc file. Remove the password and save it as .docx, then import it again.");
        }

        var extension = Path.GetExtension(name).ToLowerInvariant();
        var blocks = extension switch
        {
            ".docx" => WordReader.Read(name, content),
            ".md" or ".markdown" => MarkdownReader.Read(Decode(name, content)),
            ".txt" or ".text" or "" => TextReader.Read(Decode(name, content)),
            _ => throw new PolicyImportException($"{name}: SafeUse imports Word (.docx), Markdown (.md) and plain text (.txt) files, not {extension} files."),
        };
        var document = DocumentBuilder.Build(blocks);
        if (document.Title is null && document.Sections.Count == 0)
        {
            throw new PolicyImportException($"{name}: the file has no text.");
        }

        ClauseIdentity.Assign(null, document);
        return document;
    }

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
