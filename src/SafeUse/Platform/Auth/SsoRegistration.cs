using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace SafeUse.Platform.Auth;

/// <summary>
/// The OpenID Connect schemes, one per configured provider: authorization code flow with PKCE, state and nonce, the id
/// token's signature, issuer, audience and lifetime checked by the framework's handler. The handler never signs anyone in
/// itself: once the token is valid, <see cref="SsoSignIn"/> decides who (if anyone) it is and the SafeUse cookie is made
/// as for every other way in; every failure ends on the problem page, never an error.
/// </summary>
internal static partial class SsoRegistration
{
    public const string ProblemPath = "/account/sso/problem";

    public static AuthenticationBuilder AddSafeUseSso(this AuthenticationBuilder auth, IConfiguration configuration)
    {
        auth.Services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.Section);
        auth.Services.AddScoped<SsoSignIn>();
        var options = configuration.GetSection(SsoOptions.Section).Get<SsoOptions>() ?? new SsoOptions();
        foreach (var provider in SsoProviders.All)
        {
            var registration = options.For(provider);
            if (registration.IsConfigured)
            {
                // Checked at startup: the handler would otherwise refuse its options on the first request, and every one after.
                if (Problem(registration) is { } problem)
                {
                    throw new Microsoft.Extensions.Options.OptionsValidationException($"{SsoOptions.Section}:{SsoProviders.Label(provider)}:Authority", typeof(SsoProviderOptions), [problem]);
                }

                auth.AddOpenIdConnect(provider, SsoProviders.Label(provider), o => Configure(o, provider, registration));
            }
        }

        return auth;
    }

    private static void Configure(OpenIdConnectOptions o, string provider, SsoProviderOptions registration)
    {
        var authority = string.IsNullOrWhiteSpace(registration.Authority)
            ? provider == SsoProviders.Microsoft ? SsoProviders.MicrosoftAuthority : SsoProviders.GoogleAuthority
            : registration.Authority.TrimEnd('/');
        o.Authority = authority;
        // Plain HTTP metadata only for a provider on this machine (the tests'); anywhere else it must be HTTPS.
        o.RequireHttpsMetadata = !IsLoopback(authority);
        o.ClientId = registration.ClientId;
        o.ClientSecret = registration.ClientSecret;
        o.CallbackPath = SsoProviders.CallbackPath(provider);
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.Scope.Add("email");
        // The id token's own claim names (sub, tid, hd, amr), not the WS-Federation URIs they would be mapped to.
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.SaveTokens = false;
        o.BackchannelTimeout = TimeSpan.FromSeconds(15);
        o.TokenValidationParameters.NameClaimType = "name";
        if (provider == SsoProviders.Microsoft)
        {
            // The organizations endpoint's issuer is a template ({tenantid}): each token's issuer must be that template
            // with the token's own tid; which tenants are allowed is the trust's setting, checked by SsoSignIn.
            o.TokenValidationParameters.IssuerValidatorUsingConfiguration = MicrosoftIssuer;
        }
        else if (string.IsNullOrWhiteSpace(registration.Authority))
        {
            // Google's tokens may name their issuer without the scheme.
            o.TokenValidationParameters.ValidIssuers = ["https://accounts.google.com", "accounts.google.com"];
        }

        o.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = SignInAsync,
            OnRemoteFailure = RemoteFailureAsync,
            // The provider's front-channel sign-out (a GET to /signout-oidc) is not used: left on, any page could sign
            // someone out of SafeUse by embedding that address. Signing out of SafeUse is its own page.
            OnRemoteSignOut = context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Why a configured authority cannot be used, or null: it must be an absolute HTTPS address, or HTTP on loopback.</summary>
    public static string? Problem(SsoProviderOptions registration) =>
        string.IsNullOrWhiteSpace(registration.Authority) ? null
        : !Uri.TryCreate(registration.Authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            ? $"The single sign-on authority \"{registration.Authority}\" is not an absolute http(s) address."
        : uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(registration.Authority)
            ? $"The single sign-on authority \"{registration.Authority}\" must use HTTPS (plain HTTP only on loopback)."
        : null;

    private static bool IsLoopback(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)));

    internal static string MicrosoftIssuer(string issuer, SecurityToken token, TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        var tid = token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var t) ? t : null;
        var templates = (parameters.ValidIssuers ?? []).Append(parameters.ValidIssuer).Append(configuration?.Issuer).OfType<string>();
        if (tid is { Length: > 0 } && templates.Any(template => string.Equals(template.Replace("{tenantid}", tid, StringComparison.Ordinal), issuer, StringComparison.Ordinal)))
        {
            return issuer;
        }

        throw new SecurityTokenInvalidIssuerException("The id token's issuer is not its tenant's.");
    }

    private static async Task SignInAsync(TokenValidatedContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var provider = context.Scheme.Name;
        var result = await http.RequestServices.GetRequiredService<SsoSignIn>().MatchAsync(provider, context.Principal ?? new ClaimsPrincipal(), ct);
        context.HandleResponse();
        if (result.Person is not { } person)
        {
            Log(http).Refused(provider, result.Refusal.ToString()!);
            context.Response.Redirect(Problem(result.Refusal ?? SsoRefusal.Token, provider));
            return;
        }

        await http.RequestServices.GetRequiredService<SignInService>().SignInCookieAsync(http, person, SignInMethod.SingleSignOn, ct, factorGivenAt: result.FactorAt);
        var back = context.Properties?.RedirectUri;
        context.Response.Redirect(back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) && !back.StartsWith("/\\", StringComparison.Ordinal) ? back : "/");
    }

    private static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        var refusal = Classify(context.Failure);
        Log(context.HttpContext).Failed(context.Scheme.Name, refusal.ToString(), context.Failure?.GetType().Name ?? "none");
        context.HandleResponse();
        context.Response.Redirect(Problem(refusal, context.Scheme.Name));
        return Task.CompletedTask;
    }

    /// <summary>What went wrong, from the handler's exception (its message is not shown: it may name the account).</summary>
    public static SsoRefusal Classify(Exception? failure)
    {
        if (IsUnreachable(failure))
        {
            return SsoRefusal.Unreachable;
        }

        // The correlation cookie is gone (used already, or another browser's callback), or the state is missing or forged.
        var message = failure?.Message ?? "";
        return message.Contains("Correlation failed", StringComparison.Ordinal) || message.Contains("message.State", StringComparison.Ordinal)
            ? SsoRefusal.State
            : SsoRefusal.Token;
    }

    public static bool IsUnreachable(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            // IDX20803: discovery (the metadata document) could not be fetched.
            if (e is HttpRequestException or System.Net.Sockets.SocketException or TimeoutException or TaskCanceledException
                || e.Message.StartsWith("IDX20803", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static string Problem(SsoRefusal refusal, string provider) =>
        $"{ProblemPath}?reason={refusal.ToString().ToLowerInvariant()}&provider={(SsoProviders.IsKnown(provider) ? provider : "")}";

    private static ILogger Log(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SafeUse.Sso");

    // Which provider and why, never the account: no email, subject or token reaches the log.
    [LoggerMessage(Level = LogLevel.Information, Message = "Single sign-on with {Provider} refused: {Refusal}")]
    private static partial void Refused(this ILogger logger, string provider, string refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on with {Provider} failed: {Refusal} ({Exception})")]
    private static partial void Failed(this ILogger logger, string provider, string refusal, string exception);
}
