using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Features.Setup;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>The link in the email comes from the configured public address, never from the request's Host header, which the sender controls.</summary>
[AllowAnonymous]
internal sealed class EmailLinkModel(SignInService signIn, Microsoft.Extensions.Options.IOptions<SafeUse.Features.SignOff.SignOffOptions> options) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!EmailAddress.IsValid(Input.Email))
        {
            ModelState.AddModelError("Input.Email", "Enter an email address in the correct format, like name@school.org.uk");
            return Page();
        }

        await signIn.RequestLinkAsync(Input.Email!, options.Value.PublicUrl, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        Sent = true;
        return Page();
    }
}
