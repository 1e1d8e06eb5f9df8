using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SafeUse.Features.Errors;

/// <summary>Friendly error and status pages: never a stack trace.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
internal sealed class IndexModel : PageModel
{
    public string Heading { get; private set; } = "Sorry, there is a problem with SafeUse";
    public string Message { get; private set; } = "Try again later. If it keeps happening, tell your trust's SafeUse administrator.";

    // Nothing is bound (no parameters): a post re-executed here may carry a body that was refused or already read,
    // and binding would try to read it as a form. The code is taken from the route as it stands.
    public void OnGet() => Describe(Code);

    public void OnPost() => Describe(Code);

    private int? Code => int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : null;

    private void Describe(int? code)
    {
        // Kestrel refuses a body over the page's limit while the form is read (an upload sent without a length).
        if (code is null && HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: 413 })
        {
            code = 413;
        }

        if (code is { } c)
        {
            Response.StatusCode = c;
        }
        else
        {
            Response.StatusCode = 500;
        }

        (Heading, Message) = code switch
        {
            404 => ("Page not found", "If you typed the web address, check it is correct. The page may also be one you do not have access to."),
            403 => ("You do not have access to this page", "Your roles do not include this page. Ask your SafeUse administrator if you need it."),
            429 => ("Too many attempts", "There have been a lot of sign-in attempts from your network in the last few minutes. Wait a minute and try again."),
            413 => ("Those files are too large", "Each file can be at most 20 MB, and at most 5 files can be sent at once. Go back, choose fewer or smaller files, and send the form again."),
            400 => ("Sorry, that request was not understood", "Go back and try again. If you left a form open for a long time, reload it first."),
            _ => (Heading, Message),
        };
    }
}
