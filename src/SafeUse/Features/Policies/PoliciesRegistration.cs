namespace SafeUse.Features.Policies;

internal static class PoliciesRegistration
{
    public static IServiceCollection AddPolicies(this IServiceCollection services) => services.AddScoped<PolicyAuthoring>();
}
