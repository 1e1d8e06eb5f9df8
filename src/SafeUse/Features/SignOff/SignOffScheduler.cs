using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record SchedulerResult(int Joiners, int Stopped, int Reminders, int Escalations, int ReviewNotices, int Reconfirmations = 0);

/// <summary>
/// The sign-off clock: asks joiners to sign, stops chasing leavers, sends each reminder and escalation step once
/// (managers get one digest for all their people), and tells owners 28 days before a review is due.
/// </summary>
internal sealed class SignOffScheduler(AppDbContext db, SignOffService signOff, AuditTrail audit, Platform.Outbox.Outbox outbox, TimeProvider time, IOptions<SignOffOptions> options)
{
    public const int ReviewNoticeDays = 28;

    public async Task<SchedulerResult> RunOnceAsync(CancellationToken ct)
    {
        var stopped = await StopLeaversAsync(ct);
        var reconfirmations = await StartReconfirmationsAsync(ct);
        var joiners = await signOff.AskJoinersAsync(null, Actor.System, ct);
        var (reminders, escalations) = await SendRemindersAsync(ct);
        var notices = await SendReviewNoticesAsync(ct);
        return new(joiners, stopped, reminders, escalations, notices, reconfirmations);
    }

    /// <summary>
    /// On a policy's yearly re-confirmation day, the version in force is published again as "N (YEAR)": the same
    /// text, so the same hash, and everyone signs it again; each signature stays pinned to the version signed.
    /// </summary>
    private async Task<int> StartReconfirmationsAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var started = 0;
        var policies = await db.Policies.AsNoTracking().Where(p => p.ReconfirmMonthDay != null).ToListAsync(ct);
        foreach (var policy in policies)
        {
            var md = policy.ReconfirmMonthDay!.Value;
            var day = new DateOnly(today.Year, md / 100, Math.Min(md % 100, DateTime.DaysInMonth(today.Year, md / 100)));
            var current = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PolicyId == policy.Id && v.Status == VersionStatus.Published, ct);
            if (today < day || current?.PublishedAt is not { } published || DateOnly.FromDateTime(published) >= day
                || await db.PolicyVersions.AnyAsync(v => v.PolicyId == policy.Id && v.Status == VersionStatus.Draft, ct))
            {
                continue;
            }

            var baseNumber = current.Number.Split(" (")[0];
            var copy = new PolicyVersion
            {
                PolicyId = policy.Id,
                Number = $"{baseNumber} ({today.Year})",
                Status = VersionStatus.Draft,
                Markdown = current.Markdown,
                Declaration = current.Declaration,
                Author = current.Author,
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            if (await db.PolicyVersions.AnyAsync(v => v.PolicyId == policy.Id && v.Number == copy.Number, ct))
            {
                continue;
            }

            db.PolicyVersions.Add(copy);
            await db.SaveChangesAsync(ct);
            await signOff.PublishAsync(copy.Id, new PublishInput(copy.Number, ChangeKind.Material, $"Yearly re-confirmation ({policy.ReconfirmText})", current.ApprovedBy, current.ApprovedOn), Actor.System, ct);
            started++;
        }

        return started;
    }

    private async Task<int> StopLeaversAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.SignOffRequests
            .Where(r => (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query) && db.People.Any(p => p.Id == r.PersonId && p.IsLeaver))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.Stopped).SetProperty(r => r.ClosedAt, now), ct);
    }

    private async Task<(int Reminders, int Escalations)> SendRemindersAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var open = await (from r in db.SignOffRequests.AsNoTracking()
                          join v in db.PolicyVersions.AsNoTracking() on r.PolicyVersionId equals v.Id
                          join p in db.Policies.AsNoTracking() on r.PolicyId equals p.Id
                          join person in db.People.AsNoTracking() on r.PersonId equals person.Id
                          where r.Status == RequestStatus.Outstanding && v.Status == VersionStatus.Published && !person.IsLeaver
                          select new { Request = r, p.Title, p.ReminderSchedule, PolicyId = p.Id, person.GivenName, person.FamilyName, person.Email, person.LineManagerId }).ToListAsync(ct);
        if (open.Count == 0)
        {
            return (0, 0);
        }

        var ids = open.Select(o => o.Request.Id).ToList();
        var sent = (await db.RemindersSent.Where(s => ids.Contains(s.RequestId)).Select(s => new { s.RequestId, s.Step }).ToListAsync(ct))
            .Select(s => (s.RequestId, s.Step)).ToHashSet();

        var due = new List<(long RequestId, int Step, ReminderRecipient Recipient, long PersonId, string Name, string? Email, long? ManagerId, long PolicyId, string Title, DateOnly DueOn)>();
        foreach (var o in open)
        {
            if (!ReminderSchedule.TryParse(o.ReminderSchedule, out var steps, out _))
            {
                continue;
            }

            var requestedOn = DateOnly.FromDateTime(o.Request.RequestedAt);
            foreach (var step in steps)
            {
                if (step.DueDate(requestedOn, o.Request.DueOn) <= today && !sent.Contains((o.Request.Id, step.Index)))
                {
                    due.Add((o.Request.Id, step.Index, step.Recipient, o.Request.PersonId, o.GivenName + " " + o.FamilyName, o.Email, o.LineManagerId, o.PolicyId, o.Title, o.Request.DueOn));
                }
            }
        }

        if (due.Count == 0)
        {
            return (0, 0);
        }

        var link = options.Value.PublicUrl.TrimEnd('/');
        var reminders = 0;
        foreach (var group in due.Where(d => d.Recipient == ReminderRecipient.Person && d.Email is not null).GroupBy(d => d.Email!))
        {
            var lines = group.DistinctBy(d => d.PolicyId).Select(d => $"- {d.Title}, due {d.DueOn:d MMMM yyyy}: {link}/sign/{d.PolicyId}");
            outbox.Enqueue(db, group.Key, "Reminder: policies waiting for your signature",
                "These policies are waiting for you to read and sign:\n\n" + string.Join('\n', lines) + "\n\nIf you have a question, you can ask it on the policy's page instead of signing.");
            reminders++;
        }

        // Escalations: one digest per recipient, however many of their people are outstanding.
        var managerIds = due.Where(d => d.Recipient == ReminderRecipient.LineManager && d.ManagerId is not null).Select(d => d.ManagerId!.Value).Distinct().ToList();
        var managers = await db.People.AsNoTracking().Where(p => managerIds.Contains(p.Id) && !p.IsLeaver && p.Email != null).ToDictionaryAsync(p => p.Id, p => p.Email!, ct);
        var heads = await HeadsAsync(due.Where(d => d.Recipient == ReminderRecipient.Head || (d.Recipient == ReminderRecipient.LineManager && (d.ManagerId is null || !managers.ContainsKey(d.ManagerId.Value)))).Select(d => d.PersonId).Distinct().ToList(), ct);
        // Email bodies carry no personal data: a digest says how many people have not signed each policy, and the
        // register it links to (behind sign-in, scoped to the reader) says who.
        var digests = new Dictionary<string, List<(long PolicyId, string Title, long PersonId, DateOnly DueOn)>>();
        foreach (var d in due.Where(d => d.Recipient != ReminderRecipient.Person))
        {
            var recipients = d.Recipient == ReminderRecipient.LineManager && d.ManagerId is { } m && managers.TryGetValue(m, out var managerEmail)
                ? [managerEmail]
                : heads.GetValueOrDefault(d.PersonId) ?? [];
            foreach (var to in recipients)
            {
                if (!digests.TryGetValue(to, out var list))
                {
                    digests[to] = list = [];
                }

                list.Add((d.PolicyId, d.Title, d.PersonId, d.DueOn));
            }
        }

        foreach (var (to, entries) in digests)
        {
            var lines = entries.GroupBy(e => (e.PolicyId, e.Title)).OrderBy(g => g.Key.Title).Select(g =>
            {
                var people = g.Select(e => e.PersonId).Distinct().Count();
                return $"- {g.Key.Title}: {people} {(people == 1 ? "person has" : "people have")} not signed (due by {g.Min(e => e.DueOn):d MMMM yyyy}). Who: {link}/policies/{g.Key.PolicyId}/register?status=Overdue";
            });
            outbox.Enqueue(db, to, "Staff who have not yet signed policies",
                new StringBuilder("Members of staff you look after have not signed policies that are now due. Please remind them, or help them sign in person at school.\n\n")
                    .AppendJoin('\n', lines).ToString());
        }

        foreach (var d in due)
        {
            db.RemindersSent.Add(new ReminderSent { RequestId = d.RequestId, Step = d.Step, SentAt = now });
        }

        await db.SaveChangesAsync(ct);
        return (reminders, digests.Count);
    }

    /// <summary>Each person's Head(s): holders of the Head role in their schools; when the person is the Head, the executive leader.</summary>
    private async Task<Dictionary<long, List<string>>> HeadsAsync(List<long> personIds, CancellationToken ct)
    {
        var result = new Dictionary<long, List<string>>();
        if (personIds.Count == 0)
        {
            return result;
        }

        var memberships = await db.PersonSchools.AsNoTracking().Where(s => personIds.Contains(s.PersonId)).ToListAsync(ct);
        var leaders = await (from r in db.RoleAssignments.AsNoTracking()
                             join p in db.People.AsNoTracking() on r.PersonId equals p.Id
                             where (r.Role == Role.Head || r.Role == Role.ExecutiveLeader) && !p.IsLeaver && p.Email != null
                             select new { p.Id, p.Email, r.Role, r.SchoolId }).ToListAsync(ct);
        foreach (var id in personIds)
        {
            var schools = memberships.Where(m => m.PersonId == id).Select(m => m.SchoolId).ToHashSet();
            var to = leaders.Where(l => l.Role == Role.Head && l.Id != id && (l.SchoolId is null || schools.Contains(l.SchoolId.Value))).Select(l => l.Email!).Distinct().ToList();
            if (to.Count == 0)
            {
                to = leaders.Where(l => l.Role == Role.ExecutiveLeader && l.Id != id).Select(l => l.Email!).Distinct().ToList();
            }

            result[id] = to;
        }

        return result;
    }

    private async Task<int> SendReviewNoticesAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var horizon = today.AddDays(ReviewNoticeDays);
        var policies = await db.Policies.Where(p => p.NextReviewOn != null && p.NextReviewOn <= horizon && (p.ReviewNoticeSentFor == null || p.ReviewNoticeSentFor != p.NextReviewOn)).ToListAsync(ct);
        foreach (var policy in policies)
        {
            var overdue = policy.NextReviewOn < today;
            foreach (var to in await signOff.OwnerEmailsAsync(policy, 0, ct))
            {
                outbox.Enqueue(db, to, overdue ? $"Review overdue: {policy.Title}" : $"Review due soon: {policy.Title}",
                    $"\"{policy.Title}\" is due for review on {policy.NextReviewOn:d MMMM yyyy}{(overdue ? ", which has passed" : "")}. Review it and publish a new version, or record the review: {options.Value.PublicUrl.TrimEnd('/')}/policies/{policy.Id}");
            }

            policy.ReviewNoticeSentFor = policy.NextReviewOn;
            audit.Record(db, Actor.System, "policy.review-notice", "policy", policy.Id, $"Told the owner that {policy.Title} is due for review on {policy.NextReviewOn:d MMM yyyy}");
        }

        await db.SaveChangesAsync(ct);
        return policies.Count;
    }
}
