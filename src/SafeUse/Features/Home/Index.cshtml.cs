using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;

namespace SafeUse.Features.Home;

internal sealed record AttentionItem(string Tag, string Colour, string Text, string Href);

/// <summary>What each person needs to do, worked out from their own records and roles.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current) : PageModel
{
    public Person Me { get; private set; } = null!;
    public List<AttentionItem> Items { get; } = [];
    public List<string> RoleLines { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Me = await current.PersonAsync(ct);
        var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        foreach (var r in (await current.RolesAsync(ct)).OrderBy(r => r.Role))
        {
            RoleLines.Add($"{r.Role.Label()}, {(r.SchoolId is { } id ? schools.GetValueOrDefault(id) : "whole trust")}");
        }

        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.PersonId == Me.Id, ct);
        if (account?.PasswordHash is null)
        {
            Items.Add(new("To do", "blue", "Set a password so you can sign in without an emailed link", "/account/password"));
        }

        if (await current.HasAnyAsync([Role.Administrator], ct))
        {
            var scope = await current.ScopeAsync([Role.Administrator], ct);
            var staff = db.People.AsNoTracking().Where(p => !p.IsLeaver && (scope.AllSchools || p.Schools.Any(s => scope.SchoolIds.Contains(s.SchoolId))));
            if (!await staff.AnyAsync(p => p.Id != Me.Id, ct))
            {
                Items.Add(new("Start here", "blue", "Import your staff from a CSV export of your MIS", "/people/import"));
            }

            var noEmail = await staff.CountAsync(p => p.Email == null, ct);
            if (noEmail > 0)
            {
                Items.Add(new("Check", "yellow", $"{noEmail} current staff have no work email, so they cannot be sent reminders or links", "/people?missingEmail=true"));
            }

            var failed = await db.Outbox.CountAsync(e => e.Status == OutboxStatus.Failed, ct);
            if (failed > 0)
            {
                Items.Add(new("Problem", "red", $"{failed} emails could not be delivered", "/outbox?status=Failed"));
            }
        }
    }
}
