using System.ComponentModel.DataAnnotations;

namespace SafeUse.Platform.Data;

public enum DatabaseProviderKind
{
    Sqlite,
    Postgres,
}

internal sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProviderKind Provider { get; set; } = DatabaseProviderKind.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite it overrides the file under <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    [Required]
    public string DataDirectory { get; set; } = "safeuse-data";

    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (Provider == DatabaseProviderKind.Postgres)
        {
            throw new InvalidOperationException(
                "Database:Provider is Postgres but Database:ConnectionString is empty. Set SAFEUSE_Database__ConnectionString or --connection-string.");
        }

        var file = Path.GetFullPath(Path.Combine(DataDirectory, "safeuse.db"));
        ProtectDataFiles(DataDirectory, file);
        return $"Data Source={file};Foreign Keys=True;Default Timeout=30;Pooling=True";
    }

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The database holds safeguarding records: a folder SafeUse creates is the owner's alone (0700), and the database
    /// file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's mode).
    /// Files left readable by an older version are tightened. A folder that already existed keeps its mode (it may
    /// be a shared folder the operator chose), but nothing SafeUse writes in it is readable by others.
    /// </summary>
    /// <summary>Creates a folder (and any missing parents) that only its owner can open; an existing folder is left as it is.</summary>
    public static void CreateOwnerOnlyFolder(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full))
        {
            return;
        }

        if (Path.GetDirectoryName(full) is { } parent)
        {
            CreateOwnerOnlyFolder(parent);
        }

        Directory.CreateDirectory(full, OwnerOnlyFolder);
    }

    public static void ProtectDataFiles(string directory, string databaseFile)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        CreateOwnerOnlyFolder(directory);

        if (!File.Exists(databaseFile))
        {
            using var _ = new FileStream(databaseFile, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }

        foreach (var path in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm", databaseFile + "-journal" })
        {
            if (File.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerOnlyFile) != 0)
            {
                File.SetUnixFileMode(path, OwnerOnlyFile);
            }
        }
    }
}
