using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;

namespace SafeUse.Features.Accounts;

/// <summary>
/// Where every single sign-on that did not sign anyone in ends: what happened and what to do, with a 4xx status (503
/// when the provider could not be reached). Opened without a reason it explains in general, with 200.
/// </summary>
[AllowAnonymous]
internal sealed class SsoProblemModel : PageModel
{
    public SsoRefusal? Refusal { get; private set; }

    public string ProviderLabel { get; private set; } = "Microsoft or Google";

    public void OnGet(string? reason, string? provider)
    {
        if (SsoProviders.IsKnown(provider))
        {
            ProviderLabel = SsoProviders.Label(provider!);
        }

        if (Enum.TryParse<SsoRefusal>(reason, ignoreCase: true, out var refusal) && Enum.IsDefined(refusal))
        {
            Refusal = refusal;
            Response.StatusCode = refusal switch
            {
                SsoRefusal.Unreachable => StatusCodes.Status503ServiceUnavailable,
                SsoRefusal.State or SsoRefusal.Token => StatusCodes.Status400BadRequest,
                SsoRefusal.Off => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status403Forbidden,
            };
        }
    }

    public string Heading => Refusal switch
    {
        SsoRefusal.Off => $"Signing in with {ProviderLabel} is not turned on",
        SsoRefusal.WrongTenant => "That Microsoft account is not one of your trust's",
        SsoRefusal.WrongDomain => "That Google account is not one of your trust's",
        SsoRefusal.UnverifiedEmail => $"{ProviderLabel} did not confirm your email address",
        SsoRefusal.Unknown => "SafeUse does not know that account",
        SsoRefusal.Leaver => "You cannot sign in: you are marked as having left",
        SsoRefusal.OtherAccountLinked => $"Another {ProviderLabel} account is linked to you",
        SsoRefusal.State => "That sign-in had expired or was already used",
        SsoRefusal.Token => $"{ProviderLabel}'s answer could not be trusted",
        SsoRefusal.Unreachable => $"SafeUse cannot reach {ProviderLabel} at the moment",
        _ => "Signing in with Microsoft or Google",
    };

    public string Advice => Refusal switch
    {
        SsoRefusal.Off => "Sign in with your password or an emailed link instead. Your administrator can turn it on under Settings.",
        SsoRefusal.WrongTenant or SsoRefusal.WrongDomain => "Sign out of that account at the provider and sign in with your school or trust work account. If that was your work account, ask your administrator to add its organisation in SafeUse's single sign-on settings.",
        SsoRefusal.UnverifiedEmail => "Use your work account, whose email your organisation manages, or get a sign-in link by email.",
        SsoRefusal.Unknown => "Nobody was signed in. You can only sign in once your school has added you to SafeUse with this work email address: ask your school's SafeUse administrator.",
        SsoRefusal.Leaver => "Nobody was signed in. If you still work here, ask your school's SafeUse administrator.",
        SsoRefusal.OtherAccountLinked => "Nobody was signed in. Sign in with the account you used before, or ask an administrator to remove the old link from your record.",
        SsoRefusal.State => "Nobody was signed in. Go back to the sign-in page and start again; if it keeps happening, check your browser allows cookies from SafeUse.",
        SsoRefusal.Token => "Nobody was signed in. Start again from the sign-in page. If it keeps happening, tell your administrator.",
        SsoRefusal.Unreachable => "Nobody was signed in. Try again in a few minutes, or sign in with an emailed link instead.",
        _ => "When your trust turns it on, the sign-in page has a button for each. You can only sign in if your school has already added you to SafeUse.",
    };
}
