using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SafeUse.Features.SignOff;

internal enum WitnessStage
{
    /// <summary>The member of staff holds the device: the locked signing screen.</summary>
    Signing,

    /// <summary>They signed or handed back: the witness's confirmation.</summary>
    HandedBack,
}

/// <summary>
/// A witnessed signing in progress on a shared device: the policy version and person the witness chose, and, once the
/// member of staff has signed, what they typed and when. It lives in the witness's own session cookie (a claim, so
/// the cookie's data protection keeps it from being read or altered), which every tab of that session shares.
/// </summary>
/// <remarks>
/// While a session carries a lock, <see cref="WitnessLockGate"/> answers every other page with a redirect to the
/// lock's screen, and the lock ends only when the witness re-enters their password on the confirmation page (or the
/// session is signed out, which also ends it). So a device is never handed over with the witness's pages reachable,
/// and a staff member who opens another address, another tab or the back button lands on the signing screen again.
/// </remarks>
internal sealed record WitnessLock(long PolicyId, long VersionId, long PersonId, WitnessStage Stage, string? TypedName = null, DateTime? SignedAt = null)
{
    public const string ClaimType = "safeuse:witness-lock";
    public const string SigningPath = "/witness/signing";
    public const string ConfirmPath = "/witness/confirm";

    public bool Signed => TypedName is not null;

    public string Screen => Stage == WitnessStage.Signing ? SigningPath : ConfirmPath;

    public static WitnessLock? Of(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimType) is { } json ? JsonSerializer.Deserialize<WitnessLock>(json) : null;

    /// <summary>Re-issues the session's cookie with this lock (or, for null, without one), keeping every other claim.</summary>
    public static async Task SetAsync(HttpContext http, WitnessLock? state)
    {
        var claims = http.User.Claims.Where(c => c.Type != ClaimType).Select(c => new Claim(c.Type, c.Value)).ToList();
        if (state is not null)
        {
            claims.Add(new Claim(ClaimType, JsonSerializer.Serialize(state)));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        http.User = principal;
    }
}

internal static class WitnessLockGate
{
    /// <summary>
    /// In a locked session only the lock's two screens, static files, error pages and signing out (a POST, which ends
    /// the witness's session and so the lock) are served; anything else is redirected to the lock's screen before it
    /// runs, whatever its method, so nothing else can be read or changed from the shared device.
    /// </summary>
    public static IApplicationBuilder UseWitnessLock(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (WitnessLock.Of(context.User) is { } locked && !Allowed(context.Request))
        {
            context.Response.Redirect(locked.Screen);
            return;
        }

        await next();
    });

    private static bool Allowed(HttpRequest request)
    {
        var path = request.Path;
        return path.StartsWithSegments(WitnessLock.SigningPath) || path.StartsWithSegments(WitnessLock.ConfirmPath)
            || path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/favicon.svg")
            || path.StartsWithSegments("/error") || path.StartsWithSegments("/health")
            || (HttpMethods.IsPost(request.Method) && path.StartsWithSegments("/account/sign-out"));
    }
}
