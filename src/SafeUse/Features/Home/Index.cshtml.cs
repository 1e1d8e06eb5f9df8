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

    /// <summary>For Heads and executive leaders: each current policy's sign-off in their schools (information, not a to-do).</summary>
    public List<AttentionItem> Completion { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Me = await current.PersonAsync(ct);
        var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var myRoles = await current.RolesAsync(ct);
        var mySchools = myRoles.Where(r => r.SchoolId is not null).Select(r => r.SchoolId!.Value).Distinct().ToList();
        var labels = (await db.RoleLabels.AsNoTracking().Where(l => mySchools.Contains(l.SchoolId)).ToListAsync(ct)).ToDictionary(l => (l.SchoolId, l.Role), l => l.Label);
        foreach (var r in myRoles.OrderBy(r => r.Role))
        {
            // The school's own name for the role comes first: it is what colleagues there call it.
            var name = r.SchoolId is { } s && labels.TryGetValue((s, r.Role), out var label) ? $"{label} ({r.Role.Label()})" : r.Role.Label();
            RoleLines.Add($"{name}, {(r.SchoolId is { } id ? schools.GetValueOrDefault(id) : "whole trust")}");
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

        await AddManagerWorkAsync(today, ct);
        await AddIncidentWorkAsync(today, ct);
        await AddTeamWorkAsync(today, ct);
        await AddSchoolCompletionAsync(today, ct);

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

    /// <summary>Questions from staff waiting for an answer, for those who manage the policy (as the queries page shows them).</summary>
    private async Task AddManagerWorkAsync(DateOnly today, CancellationToken ct)
    {
        var scope = await current.ScopeAsync(Policies.PolicyAccess.ManagerRoles, ct);
        if (scope.IsEmpty)
        {
            return;
        }

        var schoolIds = scope.SchoolIds.ToList();
        var open = await (from q in db.PolicyQueries.AsNoTracking()
                          join p in db.People.AsNoTracking() on q.PersonId equals p.Id
                          where q.AnsweredAt == null && (scope.AllSchools || p.Schools.Any(s => schoolIds.Contains(s.SchoolId)))
                          group q by q.PolicyId into g
                          select new { PolicyId = g.Key, Count = g.Count(), Oldest = g.Min(q => q.AskedAt) }).ToListAsync(ct);
        var ids = open.Select(o => o.PolicyId).ToList();
        var policies = await db.Policies.AsNoTracking().Include(p => p.Schools).Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        foreach (var policy in policies.Where(p => Policies.PolicyAccess.CanSee(p, scope)).OrderBy(p => p.Title))
        {
            var o = open.Single(x => x.PolicyId == policy.Id);
            Items.Add(new("Question", "yellow", $"{policy.Title}: {Count(o.Count, "question", "questions")} from staff waiting for an answer, the oldest from {Gov.Date(DateOnly.FromDateTime(o.Oldest))}", $"/policies/{policy.Id}/queries"));
        }
    }

    /// <summary>A line manager's own team: who has not signed a policy that is now overdue.</summary>
    private async Task AddTeamWorkAsync(DateOnly today, CancellationToken ct)
    {
        if (!await current.HasAnyAsync([Role.LineManager], ct))
        {
            return;
        }

        var overdue = await (from r in db.SignOffRequests.AsNoTracking()
                             join p in db.People.AsNoTracking() on r.PersonId equals p.Id
                             join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                             join pol in db.Policies.AsNoTracking() on r.PolicyId equals pol.Id
                             where p.LineManagerId == Me.Id && !p.IsLeaver && v.Status == Policies.VersionStatus.Published
                                   && r.Status == SignOff.RequestStatus.Outstanding && r.DueOn < today
                             group r by new { pol.Id, pol.Title } into g
                             select new { g.Key.Id, g.Key.Title, Count = g.Count() }).ToListAsync(ct);
        foreach (var o in overdue.OrderBy(o => o.Title))
        {
            Items.Add(new("Your team", "red", $"{Count(o.Count, "person in your team has", "people in your team have")} not signed {o.Title}, which is overdue", $"/policies/{o.Id}/register?status=Overdue&manager={Me.Id}"));
        }
    }

    private async Task AddSchoolCompletionAsync(DateOnly today, CancellationToken ct)
    {
        var scope = await current.ScopeAsync([Role.Head, Role.ExecutiveLeader], ct);
        if (scope.IsEmpty)
        {
            return;
        }

        var schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var schoolIds = schools.Keys.ToList();
        var counts = await (from r in db.SignOffRequests.AsNoTracking()
                            join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                            join m in db.PersonSchools.AsNoTracking() on r.PersonId equals m.PersonId
                            where v.Status == Policies.VersionStatus.Published && schoolIds.Contains(m.SchoolId) && r.Status != SignOff.RequestStatus.Stopped
                            group r by new { r.PolicyId, m.SchoolId } into g
                            select new
                            {
                                g.Key.PolicyId,
                                g.Key.SchoolId,
                                Asked = g.Count(),
                                Signed = g.Count(x => x.Status == SignOff.RequestStatus.Signed),
                                Overdue = g.Count(x => x.Status == SignOff.RequestStatus.Outstanding && x.DueOn < today),
                            }).ToListAsync(ct);
        var policyIds = counts.Select(c => c.PolicyId).Distinct().ToList();
        var titles = await db.Policies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Title, ct);
        foreach (var c in counts.OrderBy(c => schools[c.SchoolId]).ThenBy(c => titles[c.PolicyId]))
        {
            var percent = (int)Math.Round(100.0 * c.Signed / c.Asked);
            Completion.Add(new(c.Overdue > 0 ? "Overdue" : c.Signed == c.Asked ? "Complete" : "In progress", c.Overdue > 0 ? "red" : c.Signed == c.Asked ? "green" : "blue",
                $"{schools[c.SchoolId]}: {titles[c.PolicyId]} signed by {c.Signed} of {c.Asked} ({percent}%)" + (c.Overdue > 0 ? $", {c.Overdue} overdue" : ""),
                $"/policies/{c.PolicyId}/register?school={c.SchoolId}"));
        }
    }

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    /// <summary>
    /// Incidents routed to them: reports nobody has acknowledged, breach clocks (red under 24 hours) and their own
    /// overdue actions. Only the reference and the kind: the details stay on the incident's page.
    /// </summary>
    private async Task AddIncidentWorkAsync(DateOnly today, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await Incidents.IncidentAccess.Visible(db, Me.Id).AsNoTracking().Where(i => i.Status != Incidents.IncidentStatus.Closed).OrderBy(i => i.CreatedAt).ToListAsync(ct);
        var ids = open.Select(i => i.Id).ToList();
        var actions = await Incidents.IncidentActions.OpenAsync(db, ids, ct);
        foreach (var i in open)
        {
            if (i.AwareAt is { } aware)
            {
                var at = new DateTimeOffset(aware, TimeSpan.Zero);
                var urgent = Calendar.BreachClock.Urgent(at, now);
                Items.Add(new(urgent ? "ICO deadline" : "Breach", urgent ? "red" : "yellow",
                    $"{i.Reference}: personal-data breach, {Calendar.BreachClock.Words(at, now)} to decide whether to tell the ICO (by {Gov.Local(Calendar.BreachClock.Deadline(at).UtcDateTime)})", $"/incidents/{i.Id}"));
            }

            if (i.AcknowledgedAt is null)
            {
                Items.Add(new("Not acknowledged", "red", $"Report {i.Reference} is waiting for someone to acknowledge it", $"/incidents/{i.Id}"));
            }

            foreach (var a in actions.Where(a => a.IncidentId == i.Id && a.Owner == Me.Id && a.OverdueOn(today)))
            {
                Items.Add(new("Overdue", "red", $"Your action on {i.Reference} was due on {Gov.Date(a.Due)}", $"/incidents/{i.Id}"));
            }
        }
    }
}
