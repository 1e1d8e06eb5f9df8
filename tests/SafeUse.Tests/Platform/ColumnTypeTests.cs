using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>
/// What EF writes into each column is what the migration scripts made it: an enum (nullable or not) goes in as its
/// name, and every property's stored type matches its column on both providers. Policy.OwnerRole once went in as a
/// number, which SQLite kept quietly and PostgreSQL could not read back.
/// </summary>
public sealed class ColumnTypeTests
{
    [Theory, BothDatabases]
    internal void Every_enum_property_nullable_or_not_is_stored_as_its_name(DatabaseProviderKind kind)
    {
        using var ctx = ModelOnly(kind);
        var enums = ctx.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum)
            .ToList();
        enums.ShouldContain(p => p.DeclaringType.ClrType.Name == "Policy" && p.Name == "OwnerRole");
        enums.Where(p => p.GetTypeMapping().Converter?.ProviderClrType != typeof(string))
            .Select(p => $"{p.DeclaringType.ClrType.Name}.{p.Name}")
            .ShouldBeEmpty();
    }

    [Theory, BothDatabases]
    internal async Task Every_property_is_stored_in_a_column_of_its_type(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var columns = await ColumnTypesAsync(db);
        await using var ctx = db.Context();
        var wrong = new List<string>();
        foreach (var entity in ctx.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName();
                var expected = ExpectedColumnType(kind, property);
                if (columns.TryGetValue((table, column), out var actual) && actual != expected)
                {
                    wrong.Add($"{table}.{column} is {actual} but {entity.ClrType.Name}.{property.Name} is stored as {expected}");
                }
            }
        }

        wrong.ShouldBeEmpty();
    }

    [Theory, BothDatabases]
    internal async Task Script_0005_turns_an_owner_role_stored_as_a_number_into_its_name(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        long policyId;
        await using (var ctx = db.Context())
        {
            var (trust, _, _) = await Seed.TrustAsync(ctx);
            var policy = new Features.Policies.Policy { TrustId = trust.Id, Title = "Old policy", OwnerRole = Features.People.Role.Dsl, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            ctx.Policies.Add(policy);
            await ctx.SaveChangesAsync();
            policyId = policy.Id;

            // As a database written before the fix holds it, with 0005 not yet applied.
            await ctx.Database.ExecuteSqlAsync($"UPDATE policy SET owner_role = '7' WHERE id = {policyId}");
            await ctx.Database.ExecuteSqlRawAsync("DELETE FROM schema_journal WHERE id = '0005_postgres_types'");
        }

        (await db.Runner().MigrateAsync(false, CancellationToken.None)).Applied.ShouldBe(["0005_postgres_types"]);
        await using var check = db.Context();
        (await check.Policies.Where(p => p.OwnerRole == Features.People.Role.OnlineSafetyLead).Select(p => p.Id).ToListAsync()).ShouldBe([policyId]);
    }

    /// <summary>A context for reading the model: building it needs no server, so any connection string will do.</summary>
    private static AppDbContext ModelOnly(DatabaseProviderKind kind)
    {
        var provider = new DatabaseProvider(kind, kind == DatabaseProviderKind.Postgres ? "Host=127.0.0.1;Database=model_only" : "Data Source=:memory:");
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        provider.Configure(builder);
        return new AppDbContext(builder.Options, provider);
    }

    private static string ExpectedColumnType(DatabaseProviderKind kind, IProperty property)
    {
        var stored = property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType;
        stored = Nullable.GetUnderlyingType(stored) ?? stored;
        return kind == DatabaseProviderKind.Postgres
            ? stored switch
            {
                _ when stored == typeof(string) => "text",
                _ when stored == typeof(long) => "bigint",
                _ when stored == typeof(int) => "integer",
                _ when stored == typeof(bool) => "boolean",
                _ when stored == typeof(DateTime) => "timestamp with time zone",
                _ when stored == typeof(DateOnly) => "date",
                _ when stored == typeof(byte[]) => "bytea",
                _ => $"unexpected CLR type {stored.Name}",
            }
            : stored switch
            {
                _ when stored == typeof(long) || stored == typeof(int) || stored == typeof(bool) => "INTEGER",
                _ when stored == typeof(string) || stored == typeof(DateTime) || stored == typeof(DateOnly) => "TEXT",
                _ when stored == typeof(byte[]) => "BLOB",
                _ => $"unexpected CLR type {stored.Name}",
            };
    }

    private static async Task<Dictionary<(string Table, string Column), string>> ColumnTypesAsync(TestDatabase db)
    {
        var result = new Dictionary<(string, string), string>();
        await using DbConnection connection = db.Kind == DatabaseProviderKind.Postgres ? new NpgsqlConnection(db.ConnectionString) : new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = db.Kind == DatabaseProviderKind.Postgres
            ? "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
            : "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        }

        return result;
    }
}
