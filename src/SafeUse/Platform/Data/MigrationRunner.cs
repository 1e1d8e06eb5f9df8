using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SafeUse.Platform.Data;

internal sealed record MigrationScript(string Id, string Sql, string Checksum);

internal sealed record MigrationResult(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending, int AlreadyApplied);

internal sealed class MigrationException(string message) : Exception(message);

/// <summary>
/// Applies the embedded, versioned SQL scripts of one provider in order: a journal of id, checksum and time; one
/// transaction per script; a lock so two processes never migrate at once; a refusal if an applied script changed.
/// </summary>
internal sealed partial class MigrationRunner(DatabaseProvider provider, TimeProvider time, ILogger<MigrationRunner> logger)
{
    public static IReadOnlyList<MigrationScript> Scripts(DatabaseProviderKind kind)
    {
        var prefix = $"migrations/{kind}/";
        var assembly = typeof(MigrationRunner).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(n => n.Replace('\\', '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n) ?? assembly.GetManifestResourceStream(n.Replace('/', '\\'))!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var sql = reader.ReadToEnd().Replace("\r\n", "\n");
                var id = Path.GetFileNameWithoutExtension(n[prefix.Length..]);
                return new MigrationScript(id, sql, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
            })
            .ToList();
    }

    public async Task<MigrationResult> MigrateAsync(bool dryRun, CancellationToken ct)
    {
        var scripts = Scripts(provider.Kind);
        await using var connection = Open();
        await connection.OpenAsync(ct);
        var isPostgres = provider.Kind == DatabaseProviderKind.Postgres;

        if (isPostgres)
        {
            await ExecAsync(connection, null, $"SELECT pg_advisory_lock({DatabaseProvider.MigrationLockKey})", ct);
        }
        else
        {
            // WAL lets readers carry on while a writer works; it is a property of the file, so set once here.
            await ExecAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
        }

        try
        {
            await ExecAsync(connection, null, isPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_journal (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_journal (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)", ct);

            var journal = await ReadJournalAsync(connection, null, ct);
            foreach (var (id, checksum) in journal)
            {
                var script = scripts.FirstOrDefault(s => s.Id == id)
                    ?? throw new MigrationException($"The database has script {id} applied, which this version of SafeUse does not know. Is the database newer than the program?");
                if (script.Checksum != checksum)
                {
                    throw new MigrationException($"Script {id} was edited after it was applied (checksum {checksum[..12]} in the journal, {script.Checksum[..12]} now). Add a new script instead of editing an applied one.");
                }
            }

            var pending = scripts.Where(s => !journal.ContainsKey(s.Id)).ToList();
            if (dryRun)
            {
                return new([], pending.Select(s => s.Id).ToList(), journal.Count);
            }

            var applied = new List<string>();
            foreach (var script in pending)
            {
                await using var tx = isPostgres
                    ? await connection.BeginTransactionAsync(ct)
                    : ((SqliteConnection)connection).BeginTransaction(deferred: false);
                // Another process may have applied it between our read and this (SQLite) write lock.
                if ((await ReadJournalAsync(connection, tx, ct)).ContainsKey(script.Id))
                {
                    continue;
                }

                await ExecAsync(connection, tx, script.Sql, ct);
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO schema_journal (id, checksum, applied_at) VALUES (@id, @checksum, @at)";
                    AddParameter(insert, "@id", script.Id);
                    AddParameter(insert, "@checksum", script.Checksum);
                    AddParameter(insert, "@at", isPostgres ? time.GetUtcNow().UtcDateTime : time.GetUtcNow().UtcDateTime.ToString("O"));
                    await insert.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
                LogApplied(logger, script.Id);
                applied.Add(script.Id);
            }

            return new(applied, [], journal.Count);
        }
        finally
        {
            if (isPostgres)
            {
                await ExecAsync(connection, null, $"SELECT pg_advisory_unlock({DatabaseProvider.MigrationLockKey})", CancellationToken.None);
            }
        }
    }

    private DbConnection Open() => provider.Kind == DatabaseProviderKind.Postgres
        ? new NpgsqlConnection(provider.ConnectionString)
        : new SqliteConnection(provider.ConnectionString);

    private static async Task<Dictionary<string, string>> ReadJournalAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT id, checksum FROM schema_journal";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database script {Id}")]
    private static partial void LogApplied(ILogger logger, string id);
}
