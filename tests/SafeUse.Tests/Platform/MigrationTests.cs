using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SafeUse.Platform.Cli;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

public sealed class MigrationTests
{
    [Fact]
    public void Both_providers_have_the_same_scripts()
    {
        var sqlite = MigrationRunner.Scripts(DatabaseProviderKind.Sqlite).Select(s => s.Id).ToList();
        var postgres = MigrationRunner.Scripts(DatabaseProviderKind.Postgres).Select(s => s.Id).ToList();
        sqlite.ShouldNotBeEmpty();
        postgres.ShouldBe(sqlite);
    }

    [Fact]
    public Task Migrating_twice_on_sqlite_applies_nothing_the_second_time() => MigratingTwiceIsHarmless(DatabaseProviderKind.Sqlite);

    [PostgresFact]
    public Task Migrating_twice_on_postgres_applies_nothing_the_second_time() => MigratingTwiceIsHarmless(DatabaseProviderKind.Postgres);

    [Fact]
    public Task Sqlite_schema_has_every_table_and_column_of_the_model() => SchemaMatchesModel(DatabaseProviderKind.Sqlite);

    [PostgresFact]
    public Task Postgres_schema_has_every_table_and_column_of_the_model() => SchemaMatchesModel(DatabaseProviderKind.Postgres);

    [Fact]
    public async Task A_dry_run_lists_pending_scripts_and_creates_no_tables()
    {
        using var db = TestDatabase.Sqlite();
        var result = await db.Runner().MigrateAsync(dryRun: true, CancellationToken.None);
        result.Pending.ShouldContain("0001_initial");
        (await ColumnsAsync(db)).Keys.ShouldNotContain("person");
    }

    [Fact]
    public async Task An_applied_script_that_was_edited_is_refused()
    {
        using var db = await TestDatabase.Sqlite().MigrateAsync();
        await using (var ctx = db.Context())
        {
            await ctx.Database.ExecuteSqlRawAsync("UPDATE schema_journal SET checksum = 'ffffffffffffffffffffffff' WHERE id = '0001_initial'");
        }

        var ex = await Should.ThrowAsync<MigrationException>(() => db.Runner().MigrateAsync(false, CancellationToken.None));
        ex.Message.ShouldContain("0001_initial was edited after it was applied");
    }

    [Fact]
    public async Task Two_runners_at_once_apply_each_script_once()
    {
        using var db = TestDatabase.Sqlite();
        var results = await Task.WhenAll(db.Runner().MigrateAsync(false, CancellationToken.None), db.Runner().MigrateAsync(false, CancellationToken.None));
        results.Sum(r => r.Applied.Count).ShouldBe(MigrationRunner.Scripts(DatabaseProviderKind.Sqlite).Count);
    }

    [Fact]
    public void Every_protective_trigger_the_scripts_create_is_watched_on_both_providers()
    {
        MigrationRunner.Protections(DatabaseProviderKind.Sqlite, MigrationRunner.Scripts(DatabaseProviderKind.Sqlite)).Select(p => $"{p.Kind} {p.Name} {p.Table}").ShouldBe(
        [
            "trigger tr_signature_no_update signature", "trigger tr_signature_no_delete signature", "trigger tr_audit_event_no_update audit_event",
            "trigger tr_audit_event_no_delete audit_event", "trigger tr_policy_version_text_fixed policy_version",
            "trigger tr_incident_entry_no_update incident_entry", "trigger tr_incident_entry_no_delete incident_entry",
            "trigger tr_incident_attachment_no_update incident_attachment", "trigger tr_incident_attachment_no_delete incident_attachment",
        ]);
        MigrationRunner.Protections(DatabaseProviderKind.Postgres, MigrationRunner.Scripts(DatabaseProviderKind.Postgres)).Select(p => $"{p.Kind} {p.Name} {p.Table}").ShouldBe(
        [
            "function signature_is_evidence ", "function audit_event_is_append_only ", "function policy_version_text_is_fixed ", "function incident_entry_is_append_only ",
            "function incident_attachment_is_append_only ",
            "trigger tr_signature_no_change signature", "trigger tr_audit_event_no_change audit_event", "trigger tr_audit_event_no_truncate audit_event",
            "trigger tr_signature_no_truncate signature", "trigger tr_policy_version_text_fixed policy_version",
            "trigger tr_incident_entry_no_change incident_entry", "trigger tr_incident_entry_no_truncate incident_entry",
            "trigger tr_incident_attachment_no_change incident_attachment", "trigger tr_incident_attachment_no_truncate incident_attachment",
        ]);
    }

    /// <remarks>Takes <see cref="Enum"/>: <see cref="DatabaseProviderKind"/> is internal, and xUnit's test methods public.</remarks>
    [Theory, BothDatabases]
    public async Task Db_migrate_restores_dropped_protective_triggers(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        (await db.Runner().MigrateAsync(false, CancellationToken.None)).Restored.ShouldBeEmpty();
        await Tamper.SqlAsync(db);

        (await SafeUseCli.RunAsync(["db", "migrate", .. Tamper.Target(db)])).ShouldBe(0);
        await AuditTrailTests.WriteEventsAsync(db, 1);
        await using (var ctx = db.Context())
        {
            await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE audit_event SET summary = 'x'"));
            await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM audit_event"));
        }

        (await db.Runner().MigrateAsync(false, CancellationToken.None)).Restored.ShouldBeEmpty();
    }

    /// <remarks>Takes <see cref="Enum"/>: <see cref="DatabaseProviderKind"/> is internal, and xUnit's test methods public.</remarks>
    [Theory, BothDatabases]
    public async Task Audit_verify_fails_while_a_protective_trigger_is_missing_until_db_migrate_restores_it(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 1);
        await Tamper.SqlAsync(db);
        (await db.Runner().CheckProtectionsAsync(CancellationToken.None)).ShouldContain(db.Kind == DatabaseProviderKind.Postgres
            ? "trigger tr_audit_event_no_change on audit_event"
            : "trigger tr_audit_event_no_update on audit_event");
        // The command line migrates an embedded SQLite database before any command, which restores the triggers first.
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(db.Kind == DatabaseProviderKind.Postgres ? 1 : 0);
        (await Tamper.CliAsync(db, "db", "migrate")).ShouldBe(0);
        (await db.Runner().CheckProtectionsAsync(CancellationToken.None)).ShouldBeEmpty();
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(0);
    }

    /// <remarks>Takes <see cref="Enum"/>: <see cref="DatabaseProviderKind"/> is internal, and xUnit's test methods public.</remarks>
    [Theory, BothDatabases]
    public async Task The_web_app_restores_missing_triggers_when_it_migrates_on_start_and_refuses_to_start_otherwise(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await Tamper.SqlAsync(db);
        // Without migrating on start (PostgreSQL's default) the start-up check refuses. The refusal is checked on the
        // hosted service itself: the test host reports a failed start only as a disposed service provider.
        var refused = await Should.ThrowAsync<MigrationException>(() => new SafeUse.Platform.Audit.AuditGuardCheck(db.Runner()).StartAsync(CancellationToken.None));
        refused.Message.ShouldContain("missing, disabled or altered. Run `safeuse db migrate` to restore them");

        // SQLite always migrates on start, and PostgreSQL with Database:MigrateOnStart: the triggers come back.
        await using (var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }))
        {
            (await app.CreateClient().GetAsync("/health")).IsSuccessStatusCode.ShouldBeTrue();
        }

        (await db.Runner().CheckProtectionsAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrating_restores_a_sqlite_trigger_replaced_by_one_that_does_nothing()
    {
        using var db = await TestDatabase.Sqlite().MigrateAsync();
        await Tamper.SqlAsync(db, "CREATE TRIGGER tr_audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT 1; END;");
        var result = await db.Runner().MigrateAsync(false, CancellationToken.None);
        result.Restored.ShouldContain("trigger tr_audit_event_no_update on audit_event");
        result.Restored.ShouldContain("trigger tr_signature_no_delete on signature");
        await AuditTrailTests.WriteEventsAsync(db, 1);
        await using var ctx = db.Context();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE audit_event SET summary = 'x'"));
    }

    [PostgresFact]
    public async Task Migrating_restores_postgres_triggers_that_were_disabled_or_whose_function_was_replaced()
    {
        using var db = await TestDatabase.Postgres().MigrateAsync();
        await using (var ctx = db.Context())
        {
            await ctx.Database.ExecuteSqlRawAsync("ALTER TABLE audit_event DISABLE TRIGGER tr_audit_event_no_change");
            await ctx.Database.ExecuteSqlRawAsync("CREATE OR REPLACE FUNCTION signature_is_evidence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$");
        }

        var result = await db.Runner().MigrateAsync(false, CancellationToken.None);
        result.Restored.ShouldBe(["function signature_is_evidence", "trigger tr_audit_event_no_change on audit_event"], ignoreOrder: true);
        await AuditTrailTests.WriteEventsAsync(db, 1);
        await using (var ctx = db.Context())
        {
            await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM audit_event"));
        }

        (await db.Runner().MigrateAsync(false, CancellationToken.None)).Restored.ShouldBeEmpty();
    }

    private static async Task MigratingTwiceIsHarmless(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var first = await db.Runner().MigrateAsync(false, CancellationToken.None);
        var second = await db.Runner().MigrateAsync(false, CancellationToken.None);
        first.Applied.ShouldBe(MigrationRunner.Scripts(kind).Select(s => s.Id).ToList());
        second.Applied.ShouldBeEmpty();
        second.AlreadyApplied.ShouldBe(first.Applied.Count);
    }

    private static async Task SchemaMatchesModel(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var columns = await ColumnsAsync(db);
        await using var ctx = db.Context();
        var missing = new List<string>();
        foreach (var entity in ctx.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            if (!columns.TryGetValue(table, out var actual))
            {
                missing.Add($"table {table}");
                continue;
            }

            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
            missing.AddRange(entity.GetProperties().Select(p => p.GetColumnName(store)!).Where(c => !actual.Contains(c)).Select(c => $"{table}.{c}"));
        }

        missing.ShouldBeEmpty();
    }

    private static async Task<Dictionary<string, HashSet<string>>> ColumnsAsync(TestDatabase db)
    {
        var result = new Dictionary<string, HashSet<string>>();
        await using DbConnection connection = db.Kind == DatabaseProviderKind.Postgres ? new NpgsqlConnection(db.ConnectionString) : new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = db.Kind == DatabaseProviderKind.Postgres
            ? "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            : "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            if (!result.TryGetValue(table, out var set))
            {
                result[table] = set = [];
            }

            set.Add(reader.GetString(1));
        }

        return result;
    }
}
