using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Features.Setup;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

[AllowAnonymous]
internal sealed class EmailLinkModel(SignInService signIn) : PageModel
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

        await signIn.RequestLinkAsync(Input.Email!, $"{Request.Scheme}://{Request.Host}", HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        Sent = true;
        return Page();
    }
}
