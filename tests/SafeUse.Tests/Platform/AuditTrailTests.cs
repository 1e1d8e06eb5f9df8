using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Cli;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

public sealed class AuditTrailTests
{
    [Fact]
    public Task A_chain_of_events_verifies_on_sqlite() => ChainVerifiesAndCatchesTampering(DatabaseProviderKind.Sqlite);

    [PostgresFact]
    public Task A_chain_of_events_verifies_on_postgres() => ChainVerifiesAndCatchesTampering(DatabaseProviderKind.Postgres);

    [Fact]
    public async Task An_audit_event_is_written_with_its_change_or_not_at_all()
    {
        using var db = await TestDatabase.Sqlite().MigrateAsync();
        await using var ctx = db.Context();
        var (trust, a, _) = await Seed.TrustAsync(ctx);
        // A person without a name violates NOT NULL: the save fails, and the event added with it must not be written.
        ctx.People.Add(new Person { TrustId = trust.Id, GivenName = null!, FamilyName = "X", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        db.Audit().Record(ctx, Actor.System, "person.created", "person", 0, "should not exist");
        await Should.ThrowAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        await using var fresh = db.Context();
        (await fresh.AuditEvents.CountAsync()).ShouldBe(0);
        (await fresh.People.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_cli_verify_command_fails_on_a_broken_chain_and_head_prints_the_hash()
    {
        using var db = await TestDatabase.Sqlite().MigrateAsync();
        await WriteEventsAsync(db, 3);
        (await SafeUseCli.RunAsync(["audit", "verify", "--data-dir", db.DataDirectory])).ShouldBe(0);
        await Tamper.SqlAsync(db, "DELETE FROM audit_event WHERE seq = 2");

        (await SafeUseCli.RunAsync(["audit", "verify", "--data-dir", db.DataDirectory])).ShouldBe(1);
    }

    private static async Task ChainVerifiesAndCatchesTampering(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await WriteEventsAsync(db, 5);
        await using (var ctx = db.Context())
        {
            var ok = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            ok.Ok.ShouldBeTrue(ok.Message);
            ok.Checked.ShouldBe(5);
            (await ctx.AuditEvents.Select(e => e.Seq).ToListAsync()).ShouldBe([1, 2, 3, 4, 5]);
        }

        await Tamper.SqlAsync(db, "UPDATE audit_event SET summary = 'nothing happened' WHERE seq = 3");
        await using (var ctx = db.Context())
        {
            var edited = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            edited.Ok.ShouldBeFalse();
            edited.FirstBrokenSeq.ShouldBe(3);
            edited.Message.ShouldContain("event 3 was changed");
        }

        using var db2 = await TestDatabase.Create(kind).MigrateAsync();
        await WriteEventsAsync(db2, 5);
        await Tamper.SqlAsync(db2, "DELETE FROM audit_event WHERE seq = 4");
        await using (var ctx = db2.Context())
        {
            var deleted = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            deleted.Ok.ShouldBeFalse();
            deleted.FirstBrokenSeq.ShouldBe(5);
            deleted.Message.ShouldContain("event 4 is missing");
        }
    }

    internal static async Task WriteEventsAsync(TestDatabase db, int count)
    {
        var audit = db.Audit();
        for (var i = 1; i <= count; i++)
        {
            await using var ctx = db.Context();
            audit.Record(ctx, new Actor(null, "Tester"), "test.event", "thing", i, $"Event number {i}", before: new { Value = i - 1 }, after: new { Value = i });
            await ctx.SaveChangesAsync();
        }
    }
}
