using System.CommandLine;
using SafeUse.Features.People;
using SafeUse.Features.Setup;
using SafeUse.Monitoring;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

/// <summary>The command line. Every command builds the same service container as the web app, without Kestrel.</summary>
internal static class SafeUseCli
{

    private static readonly (string Name, Func<Command> Create)[] Factories =
    [
        ("serve", ServeCommand.Create), ("db", DbCommand.Create), ("admin", AdminCommand.Create), ("import", ImportCommand.Create), ("pupils", PupilsCommand.Create),
        ("audit", AuditCommand.Create), ("policy", PolicyCommand.Create), ("reminders", RemindersCommand.Create), ("incidents", IncidentsCommand.Create), ("monitor", CreateMonitor),
    ];

    // The library's `monitor` (run) plus `ingest`, which needs the web app's database and services.
    private static Command CreateMonitor()
    {
        var monitor = MonitorCommand.Create();
        monitor.Subcommands.Add(MonitorIngestCommand.Create());
        return monitor;
    }

    private static readonly string[] Commands = [.. Factories.Select(f => f.Name)];

    /// <summary>The command <paramref name="args"/> invoke (the first command name among them), or null for the default.</summary>
    public static string? InvokedCommand(string[] args) => args.FirstOrDefault(a => Commands.Contains(a));

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
        // A word where a command belongs that is no command (a typo, or a command of a later version) is an error,
        // never a reason to start the web server.
        if (args.Length > 0 && !args[0].StartsWith('-') && !Commands.Contains(args[0]))
        {
            await Console.Error.WriteLineAsync($"error: \"{args[0]}\" is not a safeuse command. The commands are: {string.Join(", ", Commands)}. Run safeuse --help for what each does.");
            return 2;
        }

        // `safeuse` alone, or with only options (as the test host passes them), means `safeuse serve`.
        if (!args.Any(a => Commands.Contains(a) || a is "--help" or "-h" or "-?" or "--version"))
        {
            args = ["serve", .. args];
        }

        var root = new RootCommand("SafeUse runs a school's or trust's staff ICT acceptable use policy: policies and sign-off, registers, reports and monitoring.");
        root.Options.Add(Provider);
        root.Options.Add(ConnectionString);
        root.Options.Add(DataDir);
        // Only the command being run is built (the first command name in the arguments); root help builds them all.
        // Building every command's options loads much of the web stack, which `monitor run` over a log never needs.
        var invoked = InvokedCommand(args);
        foreach (var (name, create) in Factories)
            if (invoked is null || name == invoked) root.Subcommands.Add(create());
        // A missing or malformed option or command is bad input: exit 2 with what is wrong, as for every other bad argument.
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var path = new List<string>();
            for (var r = parse.CommandResult; r.Command is not RootCommand && r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
            {
                path.Insert(0, r.Command.Name);
            }

            await Console.Error.WriteLineAsync($"Run safeuse {string.Join(' ', [.. path, "--help"])} for its options.");
            return 2;
        }

        return await parse.InvokeAsync();
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
