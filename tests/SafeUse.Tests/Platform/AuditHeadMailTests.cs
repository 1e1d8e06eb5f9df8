using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <remarks>The theories take <see cref="Enum"/>: <see cref="DatabaseProviderKind"/> is internal, and xUnit's test methods public.</remarks>
public sealed class AuditHeadMailTests
{
    [Theory, BothDatabases]
    public async Task The_head_is_emailed_once_a_day_to_the_dpo_and_trust_administrators_and_anchors_verify(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var time = new FakeTime();
        var world = await SignOffWorld.CreateAsync(db, time);
        await using (var ctx = db.Context())
        {
            await Seed.PersonAsync(ctx, world.Trust, world.A, "Dee", "Protection", (Role.Dpo, null));
            // A school's own administrator is not a trust administrator, and a leaver gets nothing.
            await Seed.PersonAsync(ctx, world.Trust, world.A, "Sam", "Schooladmin", (Role.Administrator, world.A));
            var leaver = await Seed.PersonAsync(ctx, world.Trust, world.A, "Lou", "Left", (Role.Dpo, null));
            leaver.IsLeaver = true;
            await ctx.SaveChangesAsync();
        }

        await AuditTrailTests.WriteEventsAsync(db, 2);
        AuditHead head;
        await using (var ctx = db.Context())
        {
            var last = await ctx.AuditEvents.OrderByDescending(e => e.Seq).FirstAsync();
            head = new AuditHead(last.Seq, last.Hash);
        }

        (await SendAsync(db, time)).ShouldBe(2);
        (await SendAsync(db, time)).ShouldBe(0);
        time.Advance(TimeSpan.FromHours(10));
        (await SendAsync(db, time)).ShouldBe(0);

        await using (var ctx = db.Context())
        {
            var emails = await ctx.Outbox.OrderBy(e => e.ToAddress).ToListAsync();
            emails.Select(e => e.ToAddress).ShouldBe(["dee.protection@test.sch.uk", "lee.lead@test.sch.uk"]);
            emails.ShouldAllBe(e => e.Subject == "SafeUse audit trail head for 23 November 2026");
            emails[0].Body.ShouldContain($"safeuse audit verify --expect-head {head}");
            // Nothing personal: no one's name, and nothing from the events themselves.
            foreach (var name in new[] { "Dee", "Lee", "Protection", "Tester", "Event number" })
            {
                emails[0].Body.ShouldNotContain(name, Case.Sensitive); // as names are written: the hex of a digest may hold "dee"
            }

            var recorded = await ctx.AuditEvents.SingleAsync(e => e.Action == AuditHeadMail.Action);
            recorded.Seq.ShouldBe(head.Seq + 1);
        }

        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", head.ToString())).ShouldBe(0);

        time.Advance(TimeSpan.FromDays(1));
        (await SendAsync(db, time)).ShouldBe(2);
        await using (var ctx = db.Context())
        {
            (await ctx.Outbox.CountAsync()).ShouldBe(4);
            (await ctx.AuditEvents.CountAsync(e => e.Action == AuditHeadMail.Action)).ShouldBe(2);
        }
    }

    [Theory, BothDatabases]
    public async Task Nothing_is_sent_for_an_empty_trail_or_without_recipients(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        var time = new FakeTime();
        (await SendAsync(db, time)).ShouldBe(0);
        await AuditTrailTests.WriteEventsAsync(db, 1);
        (await SendAsync(db, time)).ShouldBe(0);
        await using var ctx = db.Context();
        (await ctx.Outbox.CountAsync()).ShouldBe(0);
        (await ctx.IdempotencyKeys.CountAsync()).ShouldBe(0);
    }

    private static async Task<int> SendAsync(TestDatabase db, TimeProvider time)
    {
        await using var ctx = db.Context();
        var mail = new AuditHeadMail(ctx, db.Audit(time), new SafeUse.Platform.Outbox.Outbox(time), time, Options.Create(new SignOffOptions { PublicUrl = "https://safeuse.test" }));
        return await mail.SendIfDueAsync(CancellationToken.None);
    }
}
