using Microsoft.Extensions.Options;
using SafeUse.Features.Demo;
using SafeUse.Platform.Data;

namespace SafeUse.Platform;

/// <summary>Runs before the web server starts: migrates an embedded SQLite database and fills the demo trust.</summary>
internal sealed partial class StartupTasks(IServiceProvider services, IOptions<DatabaseOptions> db, IConfiguration configuration, ILogger<StartupTasks> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var migrate = db.Value.Provider == DatabaseProviderKind.Sqlite || configuration.GetValue<bool>("Database:MigrateOnStart");
        if (migrate)
        {
            var result = await services.GetRequiredService<MigrationRunner>().MigrateAsync(dryRun: false, cancellationToken);
            LogMigrated(logger, result.Applied.Count);
        }

        if (configuration.GetValue<bool>("Demo"))
        {
            await using var scope = services.CreateAsyncScope();
            var demo = scope.ServiceProvider.GetRequiredService<DemoTrust>();
            var created = await demo.CreateIfEmptyAsync(cancellationToken);
            if (created is null)
            {
                Console.WriteLine("Demo: the database already holds a trust, so no demo data was added.");
            }
            else
            {
                Console.WriteLine($"Demo trust ready. Every account below has the password {created.Password}");
                foreach (var p in created.Personas)
                {
                    Console.WriteLine($"  {p.Does,-38} {p.Name} ({p.School}): {p.Email}");
                }
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready ({Applied} scripts applied now)")]
    private static partial void LogMigrated(ILogger logger, int applied);
}
