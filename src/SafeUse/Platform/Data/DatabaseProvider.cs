using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SafeUse.Platform.Data;

/// <summary>Every difference between SQLite and PostgreSQL that the code cares about, in one place.</summary>
internal sealed class DatabaseProvider(DatabaseProviderKind kind, string connectionString)
{
    // An arbitrary constant shared by every SafeUse process: the advisory lock keys for the chain and migrations.
    private const long AuditChainLockKey = 0x5AFE_05E_0001;
    internal const long MigrationLockKey = 0x5AFE_05E_0002;

    public DatabaseProviderKind Kind => kind;
    public string ConnectionString => connectionString;

    public void Configure(DbContextOptionsBuilder options)
    {
        if (kind == DatabaseProviderKind.Postgres)
        {
            options.UseNpgsql(connectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
        }
        else
        {
            // Pages load a record with several collections (a policy's schools, audience and links): one query each
            // rather than one row per combination.
            options.UseSqlite(connectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
        }
    }

    public Task LockAuditChainAsync(DbContext db, CancellationToken ct) =>
        kind == DatabaseProviderKind.Postgres
            ? db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", ct)
            : Task.CompletedTask;

    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A case-insensitive "contains" that works the same on both providers.</summary>
    public static string LikePattern(string term) =>
        "%" + term.Trim().ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
