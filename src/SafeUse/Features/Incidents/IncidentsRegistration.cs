namespace SafeUse.Features.Incidents;

internal static class IncidentsRegistration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services) => services.AddScoped<IncidentService>().AddSingleton<AttachmentStore>();
}
