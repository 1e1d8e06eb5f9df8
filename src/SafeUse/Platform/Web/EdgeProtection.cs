using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Web;

/// <summary>Per-client limits on anonymous sign-in requests (<c>SafeUse:SignInLimits</c>).</summary>
internal sealed class SignInRateLimits
{
    public const string Section = "SafeUse:SignInLimits";

    /// <summary>Password attempts one client address may make at once; then one more every two seconds.</summary>
    /// <remarks>A school's staff share one address; 30 at once and 30 a minute covers a staff room signing in at 8:30.</remarks>
    public int PasswordBurst { get; set; } = 30;

    /// <summary>Attempts over the limit wait in a queue (the client is slowed down) rather than fail, up to this many.</summary>
    public int PasswordQueue { get; set; } = 10;

    /// <summary>Emailed-link requests one client address may make at once; then one more a minute.</summary>
    public int LinkBurst { get; set; } = 20;
}

/// <summary>
/// What stands between the network and the pages: the hosts SafeUse answers to, which proxies' forwarded headers it
/// believes, HSTS, the sign-in rate limits, and the check that a cookie's session has not been ended.
/// </summary>
internal static class EdgeProtection
{
    private const string TrustedProxiesKey = "SafeUse:TrustedProxies";

    public static void AddEdgeProtection(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // With a public address configured, only its host is answered (unless AllowedHosts names others), so a
        // forged Host header gets 400 before any page runs.
        builder.Services.PostConfigure<HostFilteringOptions>(o =>
        {
            var configuredPublic = configuration["SafeUse:PublicUrl"];
            if ((o.AllowedHosts.Count == 0 || o.AllowedHosts.Contains("*"))
                && Uri.TryCreate(configuredPublic, UriKind.Absolute, out var publicUri))
            {
                o.AllowedHosts = [publicUri.IdnHost];
            }
        });

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var entry in TrustedProxies(configuration))
            {
                if (entry.Contains('/'))
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                }
                else
                {
                    o.KnownProxies.Add(IPAddress.Parse(entry));
                }
            }
        });

        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));

        // Every cookie is Secure whenever the request is HTTPS, directly or through a trusted proxy (the antiforgery
        // cookie's own default is never Secure).
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        builder.Services.AddOptions<SignInRateLimits>().BindConfiguration(SignInRateLimits.Section);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInRateLimits>>().Value;
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                if (context.Request.Path.Equals("/account/sign-in", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetTokenBucketLimiter("password:" + client, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.PasswordBurst,
                        TokensPerPeriod = 1,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(2),
                        QueueLimit = limits.PasswordQueue,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    });
                }

                if (context.Request.Path.Equals("/account/email-link", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetTokenBucketLimiter("link:" + client, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.LinkBurst,
                        TokensPerPeriod = 1,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    });
                }

                return RateLimitPartition.GetNoLimiter("");
            });
        });
    }

    public static void UseEdgeProtection(this WebApplication app)
    {
        if (TrustedProxies(app.Configuration).Any())
        {
            app.UseForwardedHeaders();
        }

        // HSTS is sent on HTTPS responses only (directly, or through a trusted proxy's X-Forwarded-Proto).
        app.UseHsts();
    }

    /// <summary>
    /// A cookie is honoured only while its session is open (not signed out, from this browser or another), its security
    /// stamp is the account's current one and the person is not a leaver.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var stamp = principal?.FindFirstValue(SignInService.StampClaim);
        var sessionId = principal is null ? null : Sessions.Id(principal);
        if (long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var personId) && stamp is not null && sessionId is not null)
        {
            var services = context.HttpContext.RequestServices;
            var db = services.GetRequiredService<AppDbContext>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            if (await Sessions.ValidateAsync(db, personId, stamp, sessionId, context.HttpContext, now, context.HttpContext.RequestAborted))
            {
                return;
            }
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private static IEnumerable<string> TrustedProxies(IConfiguration configuration) =>
        (configuration[TrustedProxiesKey] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Refuses a malformed proxy list at start rather than at the first request.</summary>
    public static string? CheckTrustedProxies(IConfiguration configuration)
    {
        foreach (var entry in TrustedProxies(configuration))
        {
            var ok = entry.Contains('/') ? System.Net.IPNetwork.TryParse(entry, out _) : IPAddress.TryParse(entry, out _);
            if (!ok)
            {
                return $"{TrustedProxiesKey}: \"{entry}\" is not an IP address or network (like 10.0.0.5 or 10.0.0.0/24)";
            }
        }

        return null;
    }
}
