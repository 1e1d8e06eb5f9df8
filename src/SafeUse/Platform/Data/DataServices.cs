using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Audit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SafeUse.Platform.Data;

internal static class DataServices
{
    public static IServiceCollection AddSafeUseData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new DatabaseProvider(options.Provider, options.ResolveConnectionString());
        });
        services.AddDbContext<AppDbContext>((sp, options) => sp.GetRequiredService<DatabaseProvider>().Configure(options));
        services.AddSingleton<MigrationRunner>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<Outbox.Outbox>();
        return services;
    }
}
