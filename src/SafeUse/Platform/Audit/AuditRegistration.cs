using Microsoft.Extensions.Options;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Audit;

internal static class AuditRegistration
{
    public static IServiceCollection AddSafeUseAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section);
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<AuditOptions>>().Value.AuditKeyFile;
            var data = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.DataDirectory;
            return new AuditKey(string.IsNullOrWhiteSpace(configured) ? AuditKey.DefaultPath(data) : Path.GetFullPath(configured));
        });
        services.AddScoped<AuditHeadMail>();
        // Started only by the web application; the command line builds this container without running it.
        services.AddHostedService<AuditHeadClock>();
        services.AddHostedService<AuditGuardCheck>();
        return services;
    }
}

/// <summary>
/// Refuses to start the web app while a protective trigger is missing, disabled or altered. It runs after the
/// start-up migration (which restores them for SQLite, or with Database:MigrateOnStart), so it stops only a
/// PostgreSQL server started without migrating, until `safeuse db migrate` puts them back.
/// </summary>
internal sealed class AuditGuardCheck(MigrationRunner runner) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var unguarded = await runner.CheckProtectionsAsync(cancellationToken);
        if (unguarded.Count > 0)
        {
            throw new MigrationException(
                $"The database's protective {string.Join(", ", unguarded)} {(unguarded.Count == 1 ? "is" : "are")} missing, disabled or altered. Run `safeuse db migrate` to restore them, then start SafeUse again.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
