using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Setup;

/// <summary>Open to anyone only while no trust exists (the setup redirect closes it afterwards).</summary>
[AllowAnonymous]
internal sealed class IndexModel(SetupService setup, SignInService signIn) : PageModel
{
    [BindProperty]
    public SetupForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new SetupInput(Input.TrustName ?? "", Input.SchoolName ?? "", Input.SchoolUrn, Input.GivenName ?? "", Input.FamilyName ?? "", Input.Email ?? "", Input.Password ?? "");
        foreach (var error in SetupService.Validate(input))
        {
            ModelState.AddModelError("Input." + error.Field, error.Message);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var person = await setup.CreateAsync(input, ct);
        await signIn.SignInCookieAsync(HttpContext, person, SignInMethod.Password, ct);
        TempData["Success"] = $"{input.TrustName} is set up. Next, import your staff.";
        return Redirect("/");
    }
}

internal sealed class SetupForm
{
    public string? TrustName { get; set; }
    public string? SchoolName { get; set; }
    public string? SchoolUrn { get; set; }
    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public string? Email { get; set; }
    public string? Password { get; set; }
}
