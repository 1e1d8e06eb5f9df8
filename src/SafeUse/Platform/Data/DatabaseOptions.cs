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

        Directory.CreateDirectory(DataDirectory);
        var file = Path.GetFullPath(Path.Combine(DataDirectory, "safeuse.db"));
        return $"Data Source={file};Foreign Keys=True;Default Timeout=30;Pooling=True";
    }
}
