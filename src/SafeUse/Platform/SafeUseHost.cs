using Microsoft.AspNetCore.Authentication.Cookies;
using SafeUse.Features.Calendar;
using SafeUse.Features.Demo;
using SafeUse.Features.Incidents;
using SafeUse.Features.Monitoring;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Setup;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;
using SafeUse.Platform.Web;

namespace SafeUse.Platform;

/// <summary>Composition: the one service container that both the web app and the command line use.</summary>
internal static class SafeUseHost
{
    public static IServiceCollection AddSafeUseCore(this IServiceCollection services)
    {
        services.AddSafeUseData();
        services.AddSafeUseAudit();
        services.AddScoped<SignInService>();
        services.AddOutbox();
        // TOTP secrets are sealed with Data Protection; the web host gives it its key ring (KeyRing.AddKeyRing).
        services.AddDataProtection();
        services.AddScoped<SecondFactorService>();
        services.AddScoped<PasskeyService>();
        services.AddSetup();
        services.AddPeople();
        Features.Pupils.PupilAccess.AddPupils(services);
        services.AddDemo();
        services.AddPolicies();
        services.AddSignOff();
        services.AddIncidents();
        services.AddCalendar();
        services.AddMonitoring();
        return services;
    }

    public static void AddConfigurationSources(IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> overrides)
    {
        configuration.AddEnvironmentVariables("SAFEUSE_");
        configuration.AddInMemoryCollection(overrides);
    }

    public static WebApplication BuildWeb(string[] args, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddConfigurationSources(builder.Configuration, overrides);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (EdgeProtection.CheckTrustedProxies(builder.Configuration) is { } proxyProblem)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("SafeUse:TrustedProxies", typeof(string), [proxyProblem]);
        }

        builder.AddEdgeProtection();

        builder.Services.AddSafeUseCore();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        builder.Services.AddHostedService<StartupTasks>();
        if (builder.Configuration.GetValue("SafeUse:RunScheduler", true))
        {
            builder.Services.AddHostedService<SignOffClock>();
            builder.Services.AddHostedService<MonitoringClock>();
        }
        builder.Services.AddSingleton<SetupState>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/error/403";
            o.Cookie.Name = "safeuse";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = EdgeProtection.ValidateSessionAsync;
        }).AddSafeUseSso(builder.Configuration);
        builder.Services.AddSafeUseAuthorization();
        var keyFolder = builder.AddKeyRing(builder.Configuration["Database:DataDirectory"] ?? "safeuse-data");
        builder.Services.AddRazorPages(o => o.RootDirectory = "/Features")
            .AddMvcOptions(o => o.Filters.Add(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute()));
        builder.Services.AddRouting(o => o.LowercaseUrls = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.ReportKeyRing(keyFolder);
        app.UseEdgeProtection();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseSetupRedirect();
        app.UseSecondFactorGate();
        app.UseWitnessLock();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }
}
