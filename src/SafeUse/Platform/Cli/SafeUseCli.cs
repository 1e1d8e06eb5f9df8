using System.CommandLine;
using SafeUse.Features.Monitoring;
using SafeUse.Features.People;
using SafeUse.Features.Setup;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

/// <summary>The command line. Every command builds the same service container as the web app, without Kestrel.</summary>
internal static class SafeUseCli
{

    private static readonly string[] Commands = ["serve", "db", "admin", "import", "audit", "policy", "reminders", "monitor"];

    public static readonly Option<string?> Provider = new("--database-provider")
    {
        Description = "Sqlite (default) or Postgres. Also SAFEUSE_Database__Provider.",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "Database connection string (required for Postgres). Also SAFEUSE_Database__ConnectionString.",
        Recursive = true,
    };

    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder of the embedded SQLite database (default ./safeuse-data). Also SAFEUSE_Database__DataDirectory.",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        // `safeuse` alone, or with only options (as the test host passes them), means `safeuse serve`.
        if (!args.Any(a => Commands.Contains(a) || a is "--help" or "-h" or "-?" or "--version"))
        {
            args = ["serve", .. args];
        }

        var root = new RootCommand("SafeUse runs a school's or trust's staff ICT acceptable use policy: policies and sign-off, registers, reports and monitoring.");
        root.Options.Add(Provider);
        root.Options.Add(ConnectionString);
        root.Options.Add(DataDir);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(AdminCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(RemindersCommand.Create());
        root.Subcommands.Add(MonitorCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }

    public static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(Provider) is { } provider)
        {
            overrides["Database:Provider"] = provider;
        }

        if (parse.GetValue(ConnectionString) is { } cs)
        {
            overrides["Database:ConnectionString"] = cs;
        }

        if (parse.GetValue(DataDir) is { } dir)
        {
            overrides["Database:DataDirectory"] = dir;
        }

        return overrides;
    }

    /// <summary>Builds the service container for a command; an embedded SQLite database is migrated first.</summary>
    public static async Task<IHost> BuildHostAsync(ParseResult parse, CancellationToken ct, bool migrate = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        SafeUseHost.AddConfigurationSources(builder.Configuration, Overrides(parse));
        builder.Logging.ClearProviders();
        // Commands print their own results; only warnings and errors from the machinery below belong on the console.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Services.AddSafeUseCore();
        var host = builder.Build();
        var provider = host.Services.GetRequiredService<DatabaseProvider>();
        if (migrate && provider.Kind == DatabaseProviderKind.Sqlite)
        {
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(dryRun: false, ct);
        }

        return host;
    }

    /// <summary>Runs a command body, turning configuration and validation failures into a message and exit code 2.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ex is CliException or MigrationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Database:", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
    }
}

internal sealed class CliException(string message) : Exception(message);
