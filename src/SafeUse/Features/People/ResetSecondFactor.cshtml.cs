using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.People;

/// <summary>
/// An administrator resets someone else's second factor (a lost or replaced phone), for people they may change (the
/// staff import's rule: their own schools); never their own, which needs a code on the security page instead.
/// </summary>
[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class ResetSecondFactorModel(AppDbContext db, CurrentUser current, SecondFactorService factors) : PageModel
{
    public Person Person { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        await factors.ResetAsync(Person, await current.ActorAsync(ct), ct);
        TempData["Success"] = $"The second factor of {Person.FullName} is reset and they have been emailed. If their role needs one, they set it up again when they next sign in.";
        return Redirect($"/people/{id}");
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var person = await PersonAccess.LoadAsync(db, id, ct);
        if (person is null || PersonAccess.Level(await PersonAccess.AuthorityAsync(current, ct), person) == PersonAccessLevel.Hidden)
        {
            return NotFound();
        }

        if (person.Id == current.PersonId || PersonAccess.Level(await PersonAccess.AuthorityAsync(current, ct), person) != PersonAccessLevel.Change)
        {
            return Forbid();
        }

        if (!await factors.HasFactorAsync(person.Id, ct))
        {
            return Redirect($"/people/{id}");
        }

        Person = person;
        return null;
    }
}
