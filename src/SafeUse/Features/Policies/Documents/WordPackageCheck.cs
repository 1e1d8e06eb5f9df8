using System.IO.Compression;
using System.Xml;

namespace SafeUse.Features.Policies.Documents;

/// <summary>
/// Walks every part of a Word file, uncompressing as a stream, before the Open XML SDK loads any of it into memory:
/// the parts' real sizes (a zip's declared sizes can lie), their XML nesting and element counts, against the limits.
/// </summary>
internal static class WordPackageCheck
{
    public static void Check(string name, byte[] content, PolicyReadLimits limits, CancellationToken ct)
    {
        using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        if (zip.Entries.Count > limits.MaxParts)
        {
            throw new PolicyImportException($"{name}: the Word file has {zip.Entries.Count:N0} parts; the limit is {limits.MaxParts:N0}. Open it in Word and save it again as .docx.");
        }

        long total = 0;
        foreach (var entry in zip.Entries)
        {
            ct.ThrowIfCancellationRequested();
            var remaining = limits.MaxTotalBytes - total;
            using var stream = new CountingStream(entry.Open(), Math.Min(limits.MaxPartBytes, remaining));
            try
            {
                if (entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    CheckXml(name, entry.FullName, stream, limits, ct);
                }
                else
                {
                    stream.CopyTo(Stream.Null);
                }
            }
            catch (SizeLimitException)
            {
                throw remaining < limits.MaxPartBytes
                    ? new PolicyImportException($"{name}: the Word file uncompresses to more than {Megabytes(limits.MaxTotalBytes)}; the limit is {Megabytes(limits.MaxTotalBytes)}. Remove large images or save it again from Word.")
                    : new PolicyImportException($"{name}: part {entry.FullName} of the Word file uncompresses to more than {Megabytes(limits.MaxPartBytes)}; the limit is {Megabytes(limits.MaxPartBytes)}. Save it again from Word, or split the document.");
            }
            catch (XmlException ex)
            {
                throw new PolicyImportException($"{name}: the Word file is damaged ({entry.FullName}, line {ex.LineNumber}, column {ex.LinePosition}). Open it in Word and save it again as .docx.");
            }

            total += stream.Count;
        }
    }

    private static void CheckXml(string name, string part, Stream stream, PolicyReadLimits limits, CancellationToken ct)
    {
        // No DTDs: an entity expansion inside one part would get round the byte count.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, CloseInput = false };
        using var reader = XmlReader.Create(stream, settings);
        var elements = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (++elements > limits.MaxElements)
            {
                throw new PolicyImportException($"{name}: part {part} of the Word file has more than {limits.MaxElements:N0} elements; the limit is {limits.MaxElements:N0}. Split the document.");
            }

            if (reader.Depth >= limits.MaxXmlDepth)
            {
                var line = reader is IXmlLineInfo info ? $" (line {info.LineNumber}, column {info.LinePosition})" : "";
                throw new PolicyImportException($"{name}: part {part} of the Word file is nested more than {limits.MaxXmlDepth} deep{line}, as tables inside tables inside tables would be; the limit is {limits.MaxXmlDepth}. Simplify the tables and save it again.");
            }

            if (elements % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MB";

    private sealed class SizeLimitException : Exception;

    /// <summary>Counts what is read through it and stops at the limit, so a zip bomb is never held, only counted.</summary>
    private sealed class CountingStream(Stream inner, long limit) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Count += n;
            if (Count > limit)
            {
                throw new SizeLimitException();
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
