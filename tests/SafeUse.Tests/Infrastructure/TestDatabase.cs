using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;

namespace SafeUse.Tests.Infrastructure;

/// <summary>A new, empty database per test class, built by the real migration scripts.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly string? postgresAdmin;

    private TestDatabase(DatabaseProviderKind kind, string connectionString, string dataDirectory, string? postgresAdmin, string? databaseName)
    {
        Kind = kind;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        this.postgresAdmin = postgresAdmin;
        DatabaseName = databaseName;
    }

    public DatabaseProviderKind Kind { get; }
    public string ConnectionString { get; }
    public string DataDirectory { get; }
    public string? DatabaseName { get; }
    public DatabaseProvider Provider => new(Kind, ConnectionString);

    public static TestDatabase Sqlite()
    {
        var dir = Path.Combine(Path.GetTempPath(), "safeuse-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var options = new DatabaseOptions { DataDirectory = dir };
        return new TestDatabase(DatabaseProviderKind.Sqlite, options.ResolveConnectionString(), dir, null, null);
    }

    public static TestDatabase Postgres()
    {
        var admin = TestEnvironment.RequirePostgres();
        var name = "safeuse_test_" + Guid.NewGuid().ToString("n")[..12];
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        var dir = Path.Combine(Path.GetTempPath(), "safeuse-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return new TestDatabase(DatabaseProviderKind.Postgres, builder.ConnectionString, dir, admin, name);
    }

    public static TestDatabase Create(DatabaseProviderKind kind) => kind == DatabaseProviderKind.Postgres ? Postgres() : Sqlite();

    public MigrationRunner Runner(TimeProvider? time = null) => new(Provider, time ?? TimeProvider.System, NullLogger<MigrationRunner>.Instance);

    public async Task<TestDatabase> MigrateAsync()
    {
        await Runner().MigrateAsync(false, CancellationToken.None);
        return this;
    }

    public AppDbContext Context()
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        Provider.Configure(builder);
        return new AppDbContext(builder.Options, Provider, AuditKey());
    }

    /// <summary>The audit key file in this database's data folder, where the web app and the command line look too.</summary>
    public AuditKey AuditKey() => new(SafeUse.Platform.Audit.AuditKey.DefaultPath(DataDirectory));

    public AuditTrail Audit(TimeProvider? time = null) => new(time ?? TimeProvider.System);

    public SignOffService SignOff(AppDbContext db, TimeProvider? time = null) =>
        new(db, Audit(time), new Outbox(time ?? TimeProvider.System), time ?? TimeProvider.System, Options.Create(new SignOffOptions { PublicUrl = "https://safeuse.test" }));

    public void Dispose()
    {
        if (postgresAdmin is not null && DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(postgresAdmin);
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)";
            cmd.ExecuteNonQuery();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file on a pooled connection; the temp folder is cleaned by the OS.
        }
    }
}
