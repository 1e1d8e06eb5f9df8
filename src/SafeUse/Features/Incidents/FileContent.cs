using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SafeUse.Features.Incidents;

/// <summary>A type of file SafeUse accepts, as its bytes show it: the type it is served as, its name for people and its extensions.</summary>
internal sealed record FileKind(string ContentType, string Label, IReadOnlyList<string> Extensions);

/// <summary>
/// Which of the accepted types a file is, from its bytes alone (the name and the type the browser sent are not
/// trusted): PDF, PNG, JPEG, GIF and WebP by their signatures; Word, Excel and PowerPoint as a zip package whose
/// directory lists <c>[Content_Types].xml</c> and the application's folder (the directory is read, nothing is unpacked,
/// so a zip bomb costs nothing); and text as valid UTF-8 with no NULs or other control bytes that does not begin with
/// markup. Everything else, executables, HTML and SVG included, is refused.
/// </summary>
internal static class FileContent
{
    public static readonly FileKind Pdf = new("application/pdf", "PDF", [".pdf"]);
    public static readonly FileKind Png = new("image/png", "PNG image", [".png"]);
    public static readonly FileKind Jpeg = new("image/jpeg", "JPEG image", [".jpg", ".jpeg"]);
    public static readonly FileKind Gif = new("image/gif", "GIF image", [".gif"]);
    public static readonly FileKind WebP = new("image/webp", "WebP image", [".webp"]);
    public static readonly FileKind Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", [".docx"]);
    public static readonly FileKind Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook", [".xlsx"]);
    public static readonly FileKind Pptx = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation", [".pptx"]);

    /// <summary>Plain text, emails saved as .eml and logs: served as text, never as anything a browser runs.</summary>
    public static readonly FileKind Text = new("text/plain", "Text", [".txt", ".text", ".log", ".csv", ".eml", ".md"]);

    public static readonly IReadOnlyList<FileKind> All = [Pdf, Png, Jpeg, Gif, WebP, Docx, Xlsx, Pptx, Text];

    public static FileKind? ByContentType(string contentType) => All.FirstOrDefault(k => k.ContentType == contentType);

    // Signatures from each format's specification: PDF 1.7 §7.5.2 (%PDF-), PNG §5.2, JPEG's SOI marker and the
    // next marker's FF, GIF87a/89a, RIFF....WEBP, and a zip local file header (PK\3\4).
    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;
    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> ZipMagic => [0x50, 0x4B, 0x03, 0x04];

    /// <summary>Zip directories with more entries than any real Office document are not read further.</summary>
    private const int MaxZipEntries = 10_000;

    /// <summary>The file's type, or null when its bytes are none of the accepted types. The stream must be seekable.</summary>
    public static async Task<FileKind?> DetectAsync(Stream content, string fileName, CancellationToken ct)
    {
        var head = new byte[16];
        content.Position = 0;
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var h = head.AsSpan(0, read);
        content.Position = 0;
        if (h.StartsWith(PdfMagic))
        {
            return Pdf;
        }

        if (h.StartsWith(PngMagic))
        {
            return Png;
        }

        if (h.StartsWith(JpegMagic))
        {
            return Jpeg;
        }

        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP;
        }

        if (h.StartsWith(ZipMagic))
        {
            return OfficeDocument(content);
        }

        return await IsTextAsync(content, ct) && IsTextName(fileName) ? Text : null;
    }

    /// <summary>A Word, Excel or PowerPoint package by its zip directory, without unpacking any part; macro-enabled packages are refused.</summary>
    private static FileKind? OfficeDocument(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxZipEntries)
            {
                return null;
            }

            var names = zip.Entries.Select(e => e.FullName).ToList();
            if (!names.Contains("[Content_Types].xml") || names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            var kinds = new[] { ("word/", Docx), ("xl/", Xlsx), ("ppt/", Pptx) }
                .Where(k => names.Any(n => n.StartsWith(k.Item1, StringComparison.Ordinal))).Select(k => k.Item2).ToList();
            return kinds.Count == 1 ? kinds[0] : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>
    /// Valid UTF-8 (a byte order mark allowed) with no control bytes but tab, line feed, form feed and carriage return,
    /// and not beginning with '&lt;': HTML, SVG and XML start with markup, and a browser sniffing one would run it.
    /// </summary>
    private static async Task<bool> IsTextAsync(Stream content, CancellationToken ct)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length + 4];
        var seenText = false;
        try
        {
            int n;
            while ((n = await content.ReadAsync(bytes, ct)) > 0)
            {
                foreach (var b in bytes.AsSpan(0, n))
                {
                    if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\f' or (byte)'\r'))
                    {
                        return false;
                    }
                }

                var count = decoder.GetChars(bytes, 0, n, chars, 0, flush: false);
                foreach (var c in chars.AsSpan(0, count))
                {
                    if (seenText || char.IsWhiteSpace(c) || c == '\uFEFF')
                    {
                        continue;
                    }

                    if (c == '<')
                    {
                        return false;
                    }

                    seenText = true;
                }
            }

            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>Text is accepted under a text name or none: a script or a page disguised as text keeps its own extension and is refused.</summary>
    private static bool IsTextName(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return extension.Length == 0 || Text.Extensions.Contains(extension.ToLowerInvariant());
    }

    /// <summary>
    /// The sender's file name made safe to show and to offer as a download: no folders, control, bidirectional or
    /// reserved characters, at most 120 characters, and ending in the detected type's extension (added when the name
    /// says something else, so a file always opens as what it is).
    /// </summary>
    public static string SafeName(string? fileName, FileKind kind)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var category = char.GetUnicodeCategory(c);
            sb.Append(category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator || "<>:\"|?*".Contains(c) ? '_' : c);
        }

        name = sb.ToString().Trim().Trim('.').Trim();
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var stem = kind.Extensions.Contains(extension) ? name[..^extension.Length] : name;
        extension = kind.Extensions.Contains(extension) ? extension : kind.Extensions[0];
        if (stem.Length == 0)
        {
            stem = "file";
        }

        return (stem.Length > 120 - extension.Length ? stem[..(120 - extension.Length)] : stem) + extension;
    }
}
