using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SafeUse.Platform.Data;

internal sealed record MigrationScript(string Id, string Sql, string Checksum);

internal sealed record MigrationResult(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending, int AlreadyApplied)
{
    /// <summary>Protective triggers (and their functions) that were missing, disabled or altered, and were put back.</summary>
    public IReadOnlyList<string> Restored { get; init; } = [];
}

/// <summary>A trigger or function a script creates to guard evidence, with the SQL that creates it.</summary>
internal sealed record Protection(string Kind, string Name, string Table, string Sql);

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

            // Before new scripts run, so a script that alters a table finds its guards as the scripts left them.
            var restored = await RestoreProtectionsAsync(connection, scripts.Where(s => journal.ContainsKey(s.Id)), keep: true, ct);

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

            return new(applied, [], journal.Count) { Restored = restored };
        }
        finally
        {
            if (isPostgres)
            {
                await ExecAsync(connection, null, $"SELECT pg_advisory_unlock({DatabaseProvider.MigrationLockKey})", CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The protective triggers and functions that are missing, disabled or altered, changing nothing: they are
    /// re-created in a transaction that is always rolled back. <c>db migrate</c> puts them back.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckProtectionsAsync(CancellationToken ct)
    {
        await using var connection = Open();
        await connection.OpenAsync(ct);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = provider.Kind == DatabaseProviderKind.Postgres
                ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_journal' AND table_schema = current_schema()"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_journal'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return [];
            }
        }

        var journal = await ReadJournalAsync(connection, null, ct);
        return await RestoreProtectionsAsync(connection, Scripts(provider.Kind).Where(s => journal.ContainsKey(s.Id)), keep: false, ct);
    }

    /// <summary>
    /// The triggers (and, on PostgreSQL, the functions they run) that the scripts create to guard evidence, in script
    /// order; a later script's DROP TRIGGER takes one out.
    /// </summary>
    public static IReadOnlyList<Protection> Protections(DatabaseProviderKind kind, IEnumerable<MigrationScript> scripts)
    {
        var found = new List<Protection>();
        foreach (var script in scripts)
        {
            var sql = WithoutComments(script.Sql);
            foreach (var dropped in DropTrigger().Matches(sql).Select(m => m.Groups["name"].Value))
            {
                found.RemoveAll(p => p.Kind == "trigger" && p.Name == dropped);
            }

            if (kind == DatabaseProviderKind.Postgres)
            {
                found.AddRange(PostgresFunction().Matches(sql).Select(m => new Protection("function", m.Groups["name"].Value, "", m.Value)));
                found.AddRange(PostgresTrigger().Matches(sql).Select(m => new Protection("trigger", m.Groups["name"].Value, m.Groups["table"].Value, m.Value)));
            }
            else
            {
                found.AddRange(SqliteTrigger().Matches(sql).Select(m => new Protection("trigger", m.Groups["name"].Value, m.Groups["table"].Value, m.Value)));
            }
        }

        // A function comes before the triggers that run it; re-created in this order, each finds what it needs.
        return [.. found.Where(p => p.Kind == "function").DistinctBy(p => p.Name), .. found.Where(p => p.Kind == "trigger").DistinctBy(p => p.Name)];
    }

    /// <summary>
    /// Puts back any protective trigger that was dropped, disabled or replaced: each is re-created from its script in
    /// one transaction, which is kept only when something differed, so an intact database is left as it was.
    /// </summary>
    private async Task<List<string>> RestoreProtectionsAsync(DbConnection connection, IEnumerable<MigrationScript> applied, bool keep, CancellationToken ct)
    {
        var protections = Protections(provider.Kind, applied);
        if (protections.Count == 0)
        {
            return [];
        }

        var isPostgres = provider.Kind == DatabaseProviderKind.Postgres;
        await using var tx = isPostgres
            ? await connection.BeginTransactionAsync(ct)
            : ((SqliteConnection)connection).BeginTransaction(deferred: false);
        var before = new List<string?>();
        foreach (var p in protections)
        {
            before.Add(await StateAsync(connection, tx, p, ct));
        }

        foreach (var p in protections)
        {
            var drop = p.Kind == "function"
                ? ""
                : isPostgres ? $"DROP TRIGGER IF EXISTS {p.Name} ON {p.Table};\n" : $"DROP TRIGGER IF EXISTS {p.Name};\n";
            var create = p.Kind == "function" ? CreateFunction().Replace(p.Sql, "CREATE OR REPLACE FUNCTION", 1) : p.Sql;
            await ExecAsync(connection, tx, drop + create, ct);
        }

        var restored = new List<string>();
        for (var i = 0; i < protections.Count; i++)
        {
            if (before[i] != await StateAsync(connection, tx, protections[i], ct))
            {
                var p = protections[i];
                restored.Add(p.Kind == "function" ? $"function {p.Name}" : $"trigger {p.Name} on {p.Table}");
                if (keep)
                {
                    LogRestored(logger, p.Kind, p.Name, before[i] is null ? "missing" : "altered or disabled");
                }
            }
        }

        if (keep && restored.Count > 0)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }

        return restored;
    }

    /// <summary>What the database holds for a protection (null when it is not there), compared before and after re-creating it.</summary>
    private async Task<string?> StateAsync(DbConnection connection, DbTransaction tx, Protection p, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        AddParameter(cmd, "@name", p.Name);
        if (provider.Kind == DatabaseProviderKind.Sqlite)
        {
            cmd.CommandText = "SELECT tbl_name || ':' || sql FROM sqlite_master WHERE type = 'trigger' AND name = @name";
        }
        else if (p.Kind == "function")
        {
            cmd.CommandText = "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.proname = @name AND p.pronamespace = current_schema()::regnamespace";
        }
        else
        {
            // tgenabled is 'O' for a trigger that fires; ALTER TABLE ... DISABLE TRIGGER sets 'D'.
            AddParameter(cmd, "@table", p.Table);
            cmd.CommandText = """
                SELECT t.tgenabled::text || ':' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND t.tgname = @name AND c.relname = @table AND c.relnamespace = current_schema()::regnamespace
                """;
        }

        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static string WithoutComments(string sql) => LineComment().Replace(sql, "");

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex DropTrigger();

    // A SQLite trigger's body ends at the first END; (SafeUse's triggers hold one statement).
    [GeneratedRegex(@"\bCREATE\s+TRIGGER\s+(?<name>\w+)\s[^;]*?\bON\s+(?<table>\w+)\b.*?\bEND\s*;", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SqliteTrigger();

    [GeneratedRegex(@"\bCREATE\s+TRIGGER\s+(?<name>\w+)\s[^;]*?\bON\s+(?<table>\w+)\b[^;]*;", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresTrigger();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?<name>\w+)\s*\(.*?\$\$.*?\$\$\s*;", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex PostgresFunction();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION", RegexOptions.IgnoreCase)]
    private static partial Regex CreateFunction();

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The protective {Kind} {Name} was {How}: restored it from its script")]
    private static partial void LogRestored(ILogger logger, string kind, string name, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database script {Id}")]
    private static partial void LogApplied(ILogger logger, string id);
}
