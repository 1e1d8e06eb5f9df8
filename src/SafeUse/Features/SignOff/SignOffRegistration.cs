using Microsoft.Extensions.Options;

namespace SafeUse.Features.SignOff;

internal static class SignOffRegistration
{
    public static IServiceCollection AddSignOff(this IServiceCollection services)
    {
        services.AddOptions<SignOffOptions>().BindConfiguration(SignOffOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(o.PublicUrl))
                {
                    o.PublicUrl = SignOffOptions.FromListenAddresses(configuration["urls"]);
                }
            })
            .Validate(o => Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
                "SafeUse:PublicUrl must be an absolute http or https address, like https://safeuse.example.sch.uk")
            .ValidateOnStart();
        services.AddScoped<SignOffService>();
        services.AddScoped<SignOffScheduler>();
        return services;
    }
}

/// <summary>Runs the sign-off clock in the web app every few minutes.</summary>
internal sealed partial class SignOffClock(IServiceScopeFactory scopes, IOptions<SignOffOptions> options, TimeProvider time, ILogger<SignOffClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<SignOffScheduler>().RunOnceAsync(stoppingToken);
                LogRun(logger, result.Joiners, result.Stopped, result.Reminders, result.Escalations, result.ReviewNotices, result.Reconfirmations);
                var passedOn = await scope.ServiceProvider.GetRequiredService<Incidents.IncidentService>().EscalateAsync(stoppingToken);
                if (passedOn > 0)
                {
                    LogIncidents(logger, passedOn);
                }

                await Platform.Auth.Sessions.PruneAsync(scope.ServiceProvider.GetRequiredService<Platform.Data.AppDbContext>(), time.GetUtcNow().UtcDateTime, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(options.Value.SchedulerInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-off clock: {Joiners} joiners asked, {Stopped} leavers stopped, {Reminders} reminders, {Escalations} escalation digests, {Notices} review notices, {Reconfirmations} re-confirmations")]
    private static partial void LogRun(ILogger logger, int joiners, int stopped, int reminders, int escalations, int notices, int reconfirmations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident clock: {Count} reports not acknowledged in time passed to the next people on their routes")]
    private static partial void LogIncidents(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sign-off clock failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
