using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Home;

internal sealed record AttentionItem(string Tag, string Colour, string Text, string Href);

/// <summary>What each person needs to do, worked out from their own records and roles.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, TimeProvider time) : PageModel
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

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var toSign = await (from r in db.SignOffRequests.AsNoTracking()
                            join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                            join p in db.Policies.AsNoTracking() on r.PolicyId equals p.Id
                            where r.PersonId == Me.Id && v.Status == Policies.VersionStatus.Published
                                  && (r.Status == SignOff.RequestStatus.Outstanding || r.Status == SignOff.RequestStatus.Query)
                            orderby r.DueOn
                            select new { p.Id, p.Title, v.Number, r.DueOn, r.Status }).ToListAsync(ct);
        foreach (var s in toSign)
        {
            Items.Add(s.Status == SignOff.RequestStatus.Query
                ? new("Query", "yellow", $"{s.Title}: your question is with the policy's owner", $"/sign/{s.Id}")
                : new(s.DueOn < today ? "Overdue" : "To sign", s.DueOn < today ? "red" : "blue", $"Read and sign {s.Title} (version {s.Number}) by {Gov.Date(s.DueOn)}", $"/sign/{s.Id}"));
        }

        if (await current.HasAnyAsync(Policies.PolicyAccess.ManagerRoles, ct))
        {
            var horizon = today.AddDays(SignOff.SignOffScheduler.ReviewNoticeDays);
            var manageScope = await current.ScopeAsync(Policies.PolicyAccess.ManagerRoles, ct);
            var due = await db.Policies.AsNoTracking().Include(p => p.Schools).Where(p => p.NextReviewOn != null && p.NextReviewOn <= horizon).ToListAsync(ct);
            foreach (var p in due.Where(p => Policies.PolicyAccess.CanManage(p, manageScope)))
            {
                Items.Add(new(p.NextReviewOn < today ? "Review overdue" : "Review due", p.NextReviewOn < today ? "red" : "yellow", $"{p.Title} is due for review on {Gov.Date(p.NextReviewOn)}", $"/policies/{p.Id}"));
            }
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
                Items.Add(new("Check", "yellow", (noEmail == 1 ? "1 current member of staff has no work email, so cannot" : $"{noEmail} current staff have no work email, so they cannot") + " be sent reminders or links", "/people?missingEmail=true"));
            }

            var failed = await db.Outbox.CountAsync(e => e.Status == OutboxStatus.Failed, ct);
            if (failed > 0)
            {
                Items.Add(new("Problem", "red", $"{failed} emails could not be delivered", "/outbox?status=Failed"));
            }
        }
    }
}
