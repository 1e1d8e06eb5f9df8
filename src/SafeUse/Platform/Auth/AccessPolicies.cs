using Microsoft.AspNetCore.Authorization;
using SafeUse.Features.Monitoring;
using SafeUse.Features.People;

namespace SafeUse.Platform.Auth;

/// <summary>
/// The named access rules pages and endpoints declare. A rule says which roles may use a page; which schools they
/// may see through it is decided by <see cref="CurrentUser.ScopeAsync"/> in the page's query.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>Any signed-in member of staff, for their own things.</summary>
    public const string SignedIn = nameof(SignedIn);

    public const string Administrators = nameof(Administrators);

    /// <summary>Administrators of the whole trust (an Administrator role held for no one school): settings every school shares.</summary>
    public const string TrustAdministrators = nameof(TrustAdministrators);

    /// <summary>Roles that may see people's records in the schools where they hold them.</summary>
    public const string PeopleReaders = nameof(PeopleReaders);

    public const string AuditReaders = nameof(AuditReaders);

    public static readonly Role[] AuditReaderRoles = [Role.Administrator, Role.Head, Role.ExecutiveLeader, Role.Dpo];

    public static IServiceCollection AddSafeUseAuthorization(this IServiceCollection services)
    {
        services.AddScoped<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.All.ToArray())))
            .AddPolicy(Administrators, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement([Role.Administrator])))
            .AddPolicy(TrustAdministrators, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement([Role.Administrator], TrustWide: true)))
            .AddPolicy(PeopleReaders, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.PeopleReaders)))
            .AddPolicy(AuditReaders, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(AuditReaderRoles)))
            .AddPolicy(Features.Pupils.PupilAccess.Readers, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Features.Pupils.PupilAccess.ReaderRoles)))
            .AddPolicy(Features.Policies.PolicyAccess.Managers, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Features.Policies.PolicyAccess.ManagerRoles)))
            .AddPolicy(Features.Policies.PolicyAccess.RegisterReaders, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Features.Policies.PolicyAccess.ReaderRoles)))
            .AddMonitoringPolicies();
        return services;
    }
}

/// <summary>One of the roles, in some school; or, when <paramref name="TrustWide"/>, held for the whole trust.</summary>
internal sealed record RoleRequirement(Role[] Roles, bool TrustWide = false) : IAuthorizationRequirement;

internal sealed class RoleRequirementHandler(CurrentUser currentUser) : AuthorizationHandler<RoleRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        // Every person holds at least the Staff role in a school; a leaver's cookie stops working because they no longer load.
        var allowed = requirement.TrustWide
            ? (await currentUser.ScopeAsync(requirement.Roles, CancellationToken.None)).AllSchools
            : await currentUser.IsSignedInAsync(CancellationToken.None)
              && (requirement.Roles.Length == Roles.All.Count || await currentUser.HasAnyAsync(requirement.Roles, CancellationToken.None));
        if (allowed)
        {
            context.Succeed(requirement);
        }
    }
}
