using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Incidents;

/// <summary>A file as it arrived: the sender's name, its length and a way to read it (a seekable stream).</summary>
internal sealed record AttachmentUpload(string FileName, long Length, Func<Stream> OpenRead);

/// <summary>An upload that passed the checks: its safe name and the type its bytes show.</summary>
internal sealed record CheckedUpload(AttachmentUpload Upload, string FileName, FileKind Kind);

/// <summary>A file written to the attachments folder, ready for its row in the same unit of work as its entry.</summary>
internal sealed record StoredAttachment(string FileName, FileKind Kind, long Size, string Sha256, string StoredName);

/// <summary>
/// Attachments on disk: the rules a file must pass (the kind allows files, at most five, each at most 20 MB, a type
/// recognised by its content), writing it under the data directory's <c>attachments/</c> folder with a random name
/// (never the sender's), and reading it back only when its SHA-256 still matches the one recorded.
/// </summary>
internal sealed class AttachmentStore(IOptions<DatabaseOptions> options)
{
    public const int MaxFiles = 5;
    public const long MaxBytes = 20L * 1024 * 1024;

    /// <summary>The most an upload form may send: five full-size files and a megabyte for the form's other fields.</summary>
    public const long MaxRequestBytes = MaxFiles * MaxBytes + 1024 * 1024;

    public const string IllegalContentRefusal = "Files cannot be attached to a report of suspected illegal content: copying the material could itself be an offence. Leave it where it is and say where it is.";

    public string Folder => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "attachments"));

    /// <summary>Why files may not be added to an incident of this kind at this school, or null when they may.</summary>
    public static string? Refusal(ReportKind kind, ReportKindSetting setting) =>
        kind.AttachmentsForbidden ? IllegalContentRefusal
        : !setting.AttachmentsAllowed ? $"Files cannot be attached to “{setting.Name}” at this school: your school has turned them off for this kind of report. Describe it in words instead."
        : null;

    /// <summary>The files actually chosen: a form with an empty file input sends one nameless, empty part.</summary>
    public static List<AttachmentUpload> Chosen(IEnumerable<AttachmentUpload> uploads) =>
        uploads.Where(u => u.Length > 0 || !string.IsNullOrWhiteSpace(u.FileName)).ToList();

    /// <summary>Every problem with the files, in the order they were chosen; the files that passed when there are none.</summary>
    public static async Task<(List<CheckedUpload> Files, List<string> Problems)> CheckAsync(ReportKind kind, ReportKindSetting setting, IReadOnlyList<AttachmentUpload> uploads, CancellationToken ct)
    {
        var files = new List<CheckedUpload>();
        var problems = new List<string>();
        if (uploads.Count == 0)
        {
            return (files, problems);
        }

        if (Refusal(kind, setting) is { } refusal)
        {
            return (files, [refusal]);
        }

        if (uploads.Count > MaxFiles)
        {
            problems.Add($"Attach at most {MaxFiles} files: you chose {uploads.Count}");
        }

        foreach (var upload in uploads)
        {
            var shown = Shown(upload.FileName);
            if (upload.Length == 0)
            {
                problems.Add($"{shown} is empty");
                continue;
            }

            if (upload.Length > MaxBytes)
            {
                problems.Add($"{shown} is {Size(upload.Length)} ({upload.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes): each file must be 20 MB or smaller");
                continue;
            }

            await using var stream = upload.OpenRead();
            if (await FileContent.DetectAsync(stream, upload.FileName, ct) is not { } detected)
            {
                problems.Add($"{shown}: SafeUse accepts PDF, images, Word/Excel/PowerPoint and text files; this file's contents are not one of those");
                continue;
            }

            files.Add(new CheckedUpload(upload, FileContent.SafeName(upload.FileName, detected), detected));
        }

        return (problems.Count == 0 ? files : [], problems);
    }

    /// <summary>Writes each file (owner-only, a random name) with its SHA-256; if one fails, those written are removed.</summary>
    public async Task<List<StoredAttachment>> StoreAsync(IReadOnlyList<CheckedUpload> files, CancellationToken ct)
    {
        var stored = new List<StoredAttachment>();
        try
        {
            foreach (var file in files)
            {
                stored.Add(await StoreOneAsync(file, ct));
            }

            return stored;
        }
        catch
        {
            Delete(stored);
            throw;
        }
    }

    private async Task<StoredAttachment> StoreOneAsync(CheckedUpload file, CancellationToken ct)
    {
        DatabaseOptions.CreateOwnerOnlyFolder(Folder);
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = Path.Combine(Folder, name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var source = file.Upload.OpenRead();
            await using (var target = new FileStream(path, fileOptions))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await target.WriteAsync(buffer.AsMemory(0, n), ct);
                    size += n;
                }

                await target.FlushAsync(ct);
            }

            return new StoredAttachment(file.FileName, file.Kind, size, Convert.ToHexStringLower(hash.GetHashAndReset()), name);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Removes files whose rows were never saved, so a failed report or entry leaves nothing behind.</summary>
    public void Delete(IEnumerable<StoredAttachment> stored)
    {
        foreach (var s in stored)
        {
            if (PathOf(s.StoredName) is { } path)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>The file's bytes when they are still what was attached (same size and SHA-256); null when missing or changed.</summary>
    public async Task<byte[]?> ReadVerifiedAsync(IncidentAttachment attachment, CancellationToken ct)
    {
        if (PathOf(attachment.StoredName) is not { } path || !File.Exists(path) || new FileInfo(path).Length != attachment.Size)
        {
            return null;
        }

        // Read once into memory (at most 20 MB) and check those bytes: what is sent is exactly what was checked.
        var bytes = await File.ReadAllBytesAsync(path, ct);
        return bytes.LongLength == attachment.Size && Convert.ToHexStringLower(SHA256.HashData(bytes)) == attachment.Sha256 ? bytes : null;
    }

    /// <summary>A stored name is 32 hex digits; anything else (a row edited to point elsewhere) leads nowhere.</summary>
    private string? PathOf(string storedName) =>
        storedName.Length == 32 && storedName.All(char.IsAsciiHexDigitLower) ? Path.Combine(Folder, storedName) : null;

    /// <summary>A size as people read it: bytes, KB or MB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KB",
        _ => $"{(bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} MB",
    };

    /// <summary>The sender's name as given, for messages: its last path segment, without control characters.</summary>
    private static string Shown(string fileName)
    {
        var name = fileName.Replace('\\', '/');
        name = new string(name[(name.LastIndexOf('/') + 1)..].Where(c => !char.IsControl(c)).Take(150).ToArray()).Trim();
        return name.Length == 0 ? "A file" : name;
    }
}
