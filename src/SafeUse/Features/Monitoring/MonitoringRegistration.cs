using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Monitoring;

internal sealed class MonitoringOptions
{
    public const string Section = "SafeUse:Monitoring";

    /// <summary>How often the web app ingests every school's sources.</summary>
    public TimeSpan IngestInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Hits by one person under one rule within this time of an open alert's last hit add to it.</summary>
    public TimeSpan StormWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most bytes of a log read, run and committed at once: a kill loses at most one batch's work, never its alerts.</summary>
    public int BatchBytes { get; set; } = 8 << 20; // 8 MiB: about 40,000 squid lines, a fraction of a second's work

    /// <summary>How long an ingest holds a source before another process may take it over (a crashed ingest's lease expires).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);
}

internal static class MonitoringAccess
{
    public const string SetUp = "MonitoringSetUp";
    public const string AlertReaders = "MonitoringAlertReaders";

    /// <summary>Who sets up a school's monitoring: its administrators and online safety lead.</summary>
    public static readonly Role[] SetUpRoles = [Role.Administrator, Role.OnlineSafetyLead];

    /// <summary>Who reads a school's alert list: those who set it up, its DSL and its Head.</summary>
    public static readonly Role[] AlertReaderRoles = [Role.Administrator, Role.OnlineSafetyLead, Role.Dsl, Role.Head];
}

/// <summary>
/// The seam for what happens when alerts are raised: routing, emails and the inbox come in a later slice. Called inside
/// the ingest's transaction, after the batch's alerts are added and before they and the file position commit, so what
/// it adds to <paramref name="db"/> commits with them (or not at all).
/// </summary>
internal interface IAlertRaised
{
    Task OnRaisedAsync(Platform.Data.AppDbContext db, IReadOnlyList<Alert> raised, CancellationToken ct);
}

internal static class MonitoringRegistration
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.Section)
            .Validate(o => o.IngestInterval >= TimeSpan.FromSeconds(10), "SafeUse:Monitoring:IngestInterval must be at least 10 seconds, like 00:05:00")
            .Validate(o => o.StormWindow >= TimeSpan.Zero, "SafeUse:Monitoring:StormWindow must not be negative")
            .Validate(o => o.BatchBytes >= 4096, "SafeUse:Monitoring:BatchBytes must be at least 4096")
            .Validate(o => o.Lease >= TimeSpan.FromMinutes(1), "SafeUse:Monitoring:Lease must be at least a minute")
            .ValidateOnStart();
        services.AddScoped<MonitoringIngest>();
        return services;
    }

    public static AuthorizationBuilder AddMonitoringPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(MonitoringAccess.SetUp, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(MonitoringAccess.SetUpRoles)))
        .AddPolicy(MonitoringAccess.AlertReaders, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(MonitoringAccess.AlertReaderRoles)));
}

/// <summary>Ingests every school's sources in the web app every <see cref="MonitoringOptions.IngestInterval"/>.</summary>
internal sealed partial class MonitoringClock(IServiceScopeFactory scopes, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MonitoringClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var results = await scope.ServiceProvider.GetRequiredService<MonitoringIngest>().IngestAllAsync(null, stoppingToken);
                foreach (var r in results.Where(r => r.LinesRead > 0 || r.Error is not null || r.Busy))
                {
                    LogSource(logger, r.SourceId, r.LinesRead, r.LinesSkipped, r.AlertsRaised, r.HitsAdded, r.Busy, r.Error is not null);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(options.Value.IngestInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // Counts and ids only: never a user name, URL or search text.
    [LoggerMessage(Level = LogLevel.Information, Message = "Monitoring ingest: source {SourceId} read {Lines} lines ({Skipped} skipped), {Alerts} new alerts, {Added} hits added to open alerts; busy elsewhere: {Busy}; failed: {Failed}")]
    private static partial void LogSource(ILogger logger, long sourceId, long lines, long skipped, int alerts, int added, bool busy, bool failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The monitoring ingest failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
