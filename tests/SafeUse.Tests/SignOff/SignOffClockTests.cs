using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.SignOff;

public sealed class SignOffClockTests
{
    private readonly FakeTime time = new();

    private static async Task<List<(string To, string Subject, string Body)>> EmailsAsync(TestDatabase db)
    {
        await using var ctx = db.Context();
        return (await ctx.Outbox.OrderBy(e => e.Id).ToListAsync()).Select(e => (e.ToAddress, e.Subject, e.Body)).ToList();
    }

    [Theory, BothDatabases]
    internal async Task Publishing_asks_the_audience_once_each_with_no_personal_data_in_the_email(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (_, draft) = await world.PolicyAsync();
        (await world.PublishAsync(draft)).ShouldBe(6);
        var emails = await EmailsAsync(db);
        emails.Select(e => e.To).ShouldBe(["hana.head@test.sch.uk", "lee.lead@test.sch.uk", "mo.manager@test.sch.uk", "ann.lee@test.sch.uk", "ben.day@test.sch.uk", "bella.birch@test.sch.uk"], ignoreOrder: true);
        emails.ShouldAllBe(e => e.Subject == "Please read and sign: Staff Acceptable Use Policy" && e.Body.Contains("by 7 December 2026"));
        emails.ShouldAllBe(e => !e.Body.Contains("Ann") && !e.Body.Contains("Bella"));
    }

    [Theory, BothDatabases]
    internal async Task Reminders_follow_the_schedule_escalate_as_digests_and_are_never_sent_twice(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (policyId, draft) = await world.PolicyAsync(scope: PolicyScope.Schools, only: world.A);
        await world.PublishAsync(draft);
        var requestEmails = (await EmailsAsync(db)).Count;

        time.Advance(TimeSpan.FromDays(6));
        (await world.RunClockAsync()).Reminders.ShouldBe(0);

        time.Advance(TimeSpan.FromDays(1));
        (await world.RunClockAsync()).Reminders.ShouldBe(5);
        (await world.RunClockAsync()).Reminders.ShouldBe(0);
        (await EmailsAsync(db)).Skip(requestEmails).ShouldAllBe(e => e.Subject == "Reminder: policies waiting for your signature");

        // Ann signs: she is no longer chased.
        await using (var ctx = db.Context())
        {
            var version = await ctx.PolicyVersions.SingleAsync();
            (await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(version.Id, true, "Ann Lee", "127.0.0.1", "test"), new Actor(world.Ann.Id, "Ann Lee"), default)).Outcome.ShouldBe(SignOutcome.Signed);
        }

        // Day 14 is both the second reminder and the due date: Ben's line manager gets one digest, and the people
        // without a manager escalate to the Head.
        time.Advance(TimeSpan.FromDays(7));
        var before = (await EmailsAsync(db)).Count;
        var day14 = await world.RunClockAsync();
        day14.Reminders.ShouldBe(4);
        day14.Escalations.ShouldBe(2);
        var sent = (await EmailsAsync(db)).Skip(before).ToList();
        sent.Where(e => e.Subject.StartsWith("Reminder")).Select(e => e.To).ShouldNotContain("ann.lee@test.sch.uk");
        var toManager = sent.Single(e => e.To == "mo.manager@test.sch.uk" && e.Subject.StartsWith("Staff who"));
        // Counts and a link to the register, never names: Ben is Mo's only overdue report (Ann signed).
        toManager.Body.ShouldContain("Staff Acceptable Use Policy: 1 person has not signed");
        toManager.Body.ShouldContain($"/policies/{policyId}/register?status=Overdue");
        toManager.Body.ShouldNotContain("Ben");
        var toHead = sent.Single(e => e.To == "hana.head@test.sch.uk" && e.Subject.StartsWith("Staff who"));
        // Without a line manager: Lee Lead and Mo Manager (Hana's own request goes to an executive leader, and there is none).
        toHead.Body.ShouldContain("Staff Acceptable Use Policy: 2 people have not signed");
        toHead.Body.ShouldNotContain("Lee");
        (await world.RunClockAsync()).Escalations.ShouldBe(0);

        // A week after the due date the Head hears about everyone still outstanding, in one email; the Head's own
        // overdue request goes to the executive leader instead (there is none here, so nobody).
        time.Advance(TimeSpan.FromDays(7));
        before = (await EmailsAsync(db)).Count;
        (await world.RunClockAsync()).Escalations.ShouldBe(1);
        var weekLater = (await EmailsAsync(db)).Skip(before).Single();
        weekLater.To.ShouldBe("hana.head@test.sch.uk");
        // Everyone still outstanding but Hana herself: Lee, Mo and Ben.
        weekLater.Body.ShouldContain("Staff Acceptable Use Policy: 3 people have not signed");
        weekLater.Body.ShouldNotContain("Ben");
        (await world.RunClockAsync()).Escalations.ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Joiners_get_their_own_request_and_due_date_and_leavers_stop_being_asked(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (_, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        time.Advance(TimeSpan.FromDays(10));

        await using (var ctx = db.Context())
        {
            await Seed.PersonAsync(ctx, world.Trust, world.A, "Nia", "New");
            await ctx.People.Where(p => p.Id == world.Ben.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsLeaver, true));
        }

        var result = await world.RunClockAsync();
        result.Joiners.ShouldBe(1);
        result.Stopped.ShouldBe(1);
        await using var check = db.Context();
        var nia = await check.SignOffRequests.SingleAsync(r => r.PersonId == check.People.Single(p => p.GivenName == "Nia").Id);
        nia.DueOn.ShouldBe(new DateOnly(2026, 12, 17));
        nia.Status.ShouldBe(RequestStatus.Outstanding);
        (await check.SignOffRequests.SingleAsync(r => r.PersonId == world.Ben.Id)).Status.ShouldBe(RequestStatus.Stopped);
        (await check.Outbox.CountAsync(e => e.ToAddress == "nia.new@test.sch.uk")).ShouldBe(1);
        (await world.RunClockAsync()).Joiners.ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task An_editorial_version_keeps_signers_signed_and_a_material_one_asks_again(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            var v1 = await ctx.PolicyVersions.SingleAsync();
            await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(v1.Id, true, "Ann Lee", null, null), new Actor(world.Ann.Id, "Ann Lee"), default);
        }

        (await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V1.Replace("all staff", "all staff members"), "1.1"), "1.1", ChangeKind.Editorial)).ShouldBe(5);
        await using (var ctx = db.Context())
        {
            var current = await ctx.PolicyVersions.SingleAsync(v => v.Status == VersionStatus.Published);
            (await ctx.SignOffRequests.SingleAsync(r => r.PolicyVersionId == current.Id && r.PersonId == world.Ann.Id)).Status.ShouldBe(RequestStatus.Signed);
        }

        (await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V2, "2.0"), "2.0", ChangeKind.Material)).ShouldBe(6);
    }

    [Theory, BothDatabases]
    internal async Task Owners_are_told_28_days_before_a_review_is_due_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (policyId, _) = await world.PolicyAsync();
        await using (var ctx = db.Context())
        {
            await ctx.Policies.Where(p => p.Id == policyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.NextReviewOn, new DateOnly(2027, 1, 1)));
        }

        (await world.RunClockAsync()).ReviewNotices.ShouldBe(0);
        time.Advance(TimeSpan.FromDays(12));
        (await world.RunClockAsync()).ReviewNotices.ShouldBe(1);
        (await world.RunClockAsync()).ReviewNotices.ShouldBe(0);
        var notice = (await EmailsAsync(db)).Single();
        notice.To.ShouldBe("lee.lead@test.sch.uk");
        notice.Subject.ShouldBe("Review due soon: Staff Acceptable Use Policy");
    }

    [Theory, BothDatabases]
    internal async Task On_the_yearly_reconfirmation_day_everyone_signs_the_version_in_force_again_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        var (policyId, draft) = await world.PolicyAsync();
        await using (var ctx = db.Context())
        {
            await ctx.Policies.Where(p => p.Id == policyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.ReconfirmText, "1 December").SetProperty(p => p.ReconfirmMonthDay, 1201));
        }

        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            var v1 = await ctx.PolicyVersions.SingleAsync();
            await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(v1.Id, true, "Ann Lee", null, null), new Actor(world.Ann.Id, "Ann Lee"), default);
        }

        (await world.RunClockAsync()).Reconfirmations.ShouldBe(0);
        time.Advance(TimeSpan.FromDays(8));
        (await world.RunClockAsync()).Reconfirmations.ShouldBe(1);
        (await world.RunClockAsync()).Reconfirmations.ShouldBe(0);

        await using var check = db.Context();
        var current = await check.PolicyVersions.SingleAsync(v => v.Status == VersionStatus.Published);
        current.Number.ShouldBe("1.0 (2026)");
        current.ChangeSummary.ShouldBe("Yearly re-confirmation (1 December)");
        current.TextSha256.ShouldBe((await check.PolicyVersions.SingleAsync(v => v.Number == "1.0")).TextSha256);
        (await check.SignOffRequests.SingleAsync(r => r.PolicyVersionId == current.Id && r.PersonId == world.Ann.Id)).Status.ShouldBe(RequestStatus.Outstanding);
        (await check.Signatures.SingleAsync(s => s.PersonId == world.Ann.Id)).PolicyVersionId.ShouldNotBe(current.Id);
    }

    [Theory, BothDatabases]
    internal async Task A_policy_for_a_staff_group_asks_only_that_group(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, time);
        await using (var ctx = db.Context())
        {
            await ctx.People.Where(p => p.Id == world.Ann.Id || p.Id == world.Bella.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.StaffGroup, "Teaching"));
        }

        var (policyId, draft) = await world.PolicyAsync();
        await using (var ctx = db.Context())
        {
            ctx.PolicyAudiences.Add(new PolicyAudience { PolicyId = policyId, Kind = AudienceKind.StaffGroup, Value = "teaching" });
            await ctx.SaveChangesAsync();
        }

        (await world.PublishAsync(draft)).ShouldBe(2);
        await using var check = db.Context();
        (await check.SignOffRequests.Select(r => r.PersonId).ToListAsync()).ShouldBe([world.Ann.Id, world.Bella.Id], ignoreOrder: true);
    }

    [Fact]
    public void A_schedule_with_a_mistake_says_which_step_is_wrong()
    {
        ReminderSchedule.TryParse("7:person, fortnight:person", out _, out var error).ShouldBeFalse();
        error.ShouldBe("Step 2: \"fortnight\" should be a number of days after the request (1 or more), or due, due+N");
        ReminderSchedule.TryParse("7:person, due+7:principal", out _, out error).ShouldBeFalse();
        error.ShouldBe("Step 2: \"principal\" is not person, line-manager or head");
        ReminderSchedule.Parse(ReminderSchedule.Default).Select(s => s.ToString()).ShouldBe(["7:person", "14:person", "due:line-manager", "due+7:head"]);
    }
}
