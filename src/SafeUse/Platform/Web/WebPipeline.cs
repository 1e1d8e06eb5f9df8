using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Web;

internal static class WebPipeline
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var h = context.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "same-origin";
        h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'";
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/lib") && !path.StartsWithSegments("/css") && !path.StartsWithSegments("/js") && !path.StartsWithSegments("/favicon.svg"))
        {
            // Pages and exports hold personal and safeguarding data: never kept by browsers or shared caches.
            h.CacheControl = "no-store";
        }

        await next();
    });

    /// <summary>Until a trust exists, every page leads to setup; afterwards setup is closed.</summary>
    public static IApplicationBuilder UseSetupRedirect(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        // The setup page's own scripts and styles, and the footer's statements (accessibility, privacy, cookies),
        // which anyone may read before setup too.
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js")
            || path.StartsWithSegments("/error") || path.StartsWithSegments("/favicon.svg") || path.StartsWithSegments("/about"))
        {
            await next();
            return;
        }

        var state = context.RequestServices.GetRequiredService<SetupState>();
        var setupDone = state.IsDone || await context.RequestServices.GetRequiredService<AppDbContext>().Trusts.AnyAsync(context.RequestAborted);
        state.IsDone = setupDone;

        var onSetup = path.StartsWithSegments("/setup");
        if (!setupDone && !onSetup)
        {
            context.Response.Redirect("/setup");
            return;
        }

        if (setupDone && onSetup)
        {
            context.Response.Redirect("/");
            return;
        }

        await next();
    });
}

/// <summary>Setup happens once; remembering it saves a query on every request.</summary>
internal sealed class SetupState
{
    private volatile bool isDone;

    public bool IsDone
    {
        get => isDone;
        set => isDone = value;
    }
}
