using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Npgsql;
using SafeUse.Platform.Data;

namespace SafeUse.BrowserTests;

/// <summary>
/// The real `safeuse serve` process on a free loopback port with its own empty database, and Chromium. The database is
/// SQLite in a temporary folder, or a new PostgreSQL database on the server SAFEUSE_TEST_POSTGRES names (dropped after).
/// </summary>
public sealed class ServerFixture : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly Process process;
    private readonly string dataDirectory;
    private readonly string? postgresAdmin;
    private readonly string? postgresDatabase;
    private IPlaywright? playwright;

    public ServerFixture()
        : this(DatabaseProviderKind.Sqlite)
    {
    }

    /// <param name="host">
    /// Where the server is reached: 127.0.0.1 normally; "localhost" for passkeys, since WebAuthn takes no IP address as a
    /// relying party id (and http://localhost is a secure context, so the browser offers it without TLS).
    /// </param>
    /// <param name="port">The port to serve on (a free one when not given), for a test that must know it first.</param>
    /// <param name="environment">More settings for the server, as SAFEUSE_ environment variables.</param>
    internal ServerFixture(DatabaseProviderKind kind, bool demo = false, string host = "127.0.0.1", int? port = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Kind = kind;
        port ??= FreePort();
        BaseUrl = $"http://{host}:{port}";
        dataDirectory = Path.Combine(Path.GetTempPath(), "safeuse-browser", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dataDirectory);
        var dll = Path.Combine(AppContext.BaseDirectory, "safeuse.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "serve", "--urls", BaseUrl, "--data-dir", dataDirectory, .. (demo ? new[] { "--demo" } : [])])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (kind == DatabaseProviderKind.Postgres)
        {
            postgresAdmin = ServerDatabasesAttribute.PostgresConnectionString
                ?? throw new InvalidOperationException("SAFEUSE_TEST_POSTGRES is not set: the PostgreSQL browser journeys cannot run.");
            postgresDatabase = "safeuse_browser_" + Guid.NewGuid().ToString("n")[..12];
            using (var admin = new NpgsqlConnection(postgresAdmin))
            {
                admin.Open();
                using var create = admin.CreateCommand();
                create.CommandText = $"CREATE DATABASE {postgresDatabase}";
                create.ExecuteNonQuery();
            }

            ConnectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = postgresDatabase }.ConnectionString;
            start.Environment["SAFEUSE_Database__Provider"] = "Postgres";
            start.Environment["SAFEUSE_Database__ConnectionString"] = ConnectionString;
            start.Environment["SAFEUSE_Database__MigrateOnStart"] = "true";
        }
        else
        {
            ConnectionString = $"Data Source={DatabasePath};Mode=ReadOnly";
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Log.Add(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => Log.Add(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    internal DatabaseProviderKind Kind { get; }

    /// <summary>The SQLite database's file (SQLite only; <see cref="OpenDatabaseAsync"/> reads either database).</summary>
    public string DatabasePath => Path.Combine(dataDirectory, "safeuse.db");

    /// <summary>The server's database (read-only for SQLite), for reading what a person would find in their inbox.</summary>
    public string ConnectionString { get; }

    public async Task<DbConnection> OpenDatabaseAsync()
    {
        DbConnection connection = Kind == DatabaseProviderKind.Postgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public List<string> Log { get; } = [];

    public static string? AxePath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", "axe-core", "axe.min.js");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    public async Task<IBrowser> StartBrowserAsync()
    {
        // A busy machine (a parallel build, another test run) can take well over the old 20 seconds to start the
        // server; wait for /health up to a deadline, and say so plainly if it never answers.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException("safeuse serve exited: " + string.Join('\n', Log));
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("safeuse serve did not answer /health within 2 minutes: " + string.Join('\n', Log));
            }

            await Task.Delay(200);
        }

        playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Runs axe-core on the page and returns its serious and critical violations, described.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxePath ?? throw new InvalidOperationException("axe-core is missing: run npm ci") });
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))");
        return result.EnumerateArray().Select(v => $"{page.Url}: {v.GetString()}").ToList();
    }

    public async ValueTask DisposeAsync()
    {
        playwright?.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (postgresAdmin is not null && postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(postgresAdmin);
            await admin.OpenAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans its temp folder.
        }
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
