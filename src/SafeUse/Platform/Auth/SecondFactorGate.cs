using System.Security.Claims;

namespace SafeUse.Platform.Auth;

/// <summary>
/// Runs for every request after authentication and before authorization, whatever the endpoint or method, so no page,
/// form post or download is reached by a session that owes a second factor:
/// a session pending its second factor reaches only the second-factor page; someone who must have a factor and has
/// none reaches only enrolment. Both may sign out and load static files and error pages.
/// </summary>
internal static class SecondFactorGate
{
    public static IApplicationBuilder UseSecondFactorGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var personId) && !Always(context.Request))
        {
            if (SecondFactorService.IsPending(user))
            {
                if (!context.Request.Path.Equals(SecondFactorService.VerifyPath, StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Redirect(SecondFactorService.VerifyPath + ReturnTo(context.Request));
                    return;
                }
            }
            else if (!context.Request.Path.StartsWithSegments(SecondFactorService.EnrolPath) && !SsoGaveFactor(user)
                && await context.RequestServices.GetRequiredService<SecondFactorService>().MustEnrolAsync(personId, context.RequestAborted))
            {
                context.Response.Redirect(SecondFactorService.EnrolPath + ReturnTo(context.Request));
                return;
            }
        }

        await next();
    });

    /// <summary>
    /// A single sign-on whose provider gave the second factor (its id token's amr said mfa, or the trust says the provider
    /// always asks) has one for this session, so someone who only ever signs in that way need not set up an app too.
    /// </summary>
    private static bool SsoGaveFactor(ClaimsPrincipal user) =>
        user.FindFirstValue(SignInService.MethodClaim) == nameof(SignInMethod.SingleSignOn) && SecondFactorService.FactorAt(user) is not null;

    /// <summary>Where to come back to: the page asked for, when it was a plain GET of a local page.</summary>
    private static string ReturnTo(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path != "/" ? "?returnUrl=" + Uri.EscapeDataString(request.Path + request.QueryString) : "";

    private static bool Always(HttpRequest request)
    {
        var path = request.Path;
        return path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/favicon.svg")
            || path.StartsWithSegments("/error") || path.StartsWithSegments("/health") || path.StartsWithSegments("/account/sign-out");
    }
}
