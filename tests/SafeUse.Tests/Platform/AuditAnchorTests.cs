using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>The chain held outside the database: saved heads, and a key a copy of the database does not include.</summary>
/// <remarks>
/// The theories take <see cref="Enum"/> because <see cref="DatabaseProviderKind"/> is internal and xUnit's test
/// methods must be public; [BothDatabases] passes a <see cref="DatabaseProviderKind"/>.
/// </remarks>
public sealed class AuditAnchorTests
{
    [Theory, BothDatabases]
    public async Task Deleting_the_newest_events_fails_verify_against_a_saved_head(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 5);
        var head = await HeadAsync(db);
        var heads = Path.Combine(db.DataDirectory, "heads.txt");
        await File.WriteAllTextAsync(heads, $"# saved from the daily email\n{await HeadAsync(db, 3)}\n\n{head}\n");
        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", head.ToString())).ShouldBe(0);
        (await Tamper.CliAsync(db, "audit", "verify", "--heads", heads)).ShouldBe(0);

        await Tamper.SqlAsync(db, "DELETE FROM audit_event WHERE seq >= 4");

        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", head.ToString())).ShouldBe(1);
        (await Tamper.CliAsync(db, "audit", "verify", "--heads", heads)).ShouldBe(1);
        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", (await HeadAsync(db, 3)).ToString(), "--expect-head", head.ToString())).ShouldBe(1);
        await using var ctx = db.Context();
        var result = await AuditVerifier.VerifyAsync(ctx, ctx.AuditKey, [head], CancellationToken.None);
        result.Message.ShouldBe($"saved head {head}: event 5 is missing (the chain ends at event 3): the newest events were removed");
    }

    [Theory, BothDatabases]
    public async Task Deleting_every_event_fails_verify_against_a_saved_head(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 3);
        var head = await HeadAsync(db);
        await Tamper.SqlAsync(db, "DELETE FROM audit_event");
        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", head.ToString())).ShouldBe(1);
    }

    [Theory, BothDatabases]
    public async Task A_saved_head_that_differs_fails_and_a_malformed_one_is_named(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 2);
        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", "2:" + new string('a', 64))).ShouldBe(1);
        (await Tamper.CliAsync(db, "audit", "verify", "--expect-head", "2:not-a-hash")).ShouldBe(2);
        var heads = Path.Combine(db.DataDirectory, "heads.txt");
        await File.WriteAllTextAsync(heads, $"{await HeadAsync(db)}\n2 {new string('a', 10)}\n");
        var error = new StringWriter();
        var was = Console.Error;
        int code;
        try
        {
            Console.SetError(error);
            code = await Tamper.CliAsync(db, "audit", "verify", "--heads", heads);
        }
        finally
        {
            Console.SetError(was);
        }

        code.ShouldBe(2);
        error.ToString().ShouldContain("heads.txt line 2 is not N:HASH");
    }

    [Theory, BothDatabases]
    public async Task Editing_an_event_and_recomputing_the_chain_after_it_fails_without_the_key(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 5);
        await Tamper.RechainAsync(db, 3, e => e.Summary = "Nothing happened");
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        await using (var ctx = db.Context())
        {
            var result = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            result.FirstBrokenSeq.ShouldBe(3);
            result.Message.ShouldContain("event 3 has no HMAC, but every event from 1 on was written with the audit key");
        }

        // Keeping the key's name on the forged events does not help: their hashes are not HMACs with the key.
        using var db2 = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db2, 5);
        await Tamper.RechainAsync(db2, 3, e => e.Summary = "Nothing happened", keepKeyId: true);
        (await Tamper.CliAsync(db2, "audit", "verify")).ShouldBe(1);
        await using (var ctx = db2.Context())
        {
            (await AuditChain.VerifyAsync(ctx, CancellationToken.None)).Message.ShouldContain("event 3 was changed after it was written");
        }
    }

    [Theory, BothDatabases]
    public async Task Verify_without_the_key_file_says_so_and_exits_2(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 2);
        var key = db.AuditKey().Path;
        File.Move(key, key + ".away");
        await using (var ctx = db.Context())
        {
            var result = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            result.KeyMissing.ShouldBeTrue();
            result.Message.ShouldContain($"there is no key file at {key}");
        }

        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(2);
        File.Exists(key).ShouldBeFalse("verify must never make a key");
        File.Move(key + ".away", key);
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    public async Task The_key_file_is_made_on_first_use_readable_by_its_owner_alone(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        var key = db.AuditKey().Path;
        File.Exists(key).ShouldBeFalse();
        await AuditTrailTests.WriteEventsAsync(db, 1);
        File.Exists(key).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(key).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using var ctx = db.Context();
        var e = await ctx.AuditEvents.SingleAsync();
        e.KeyId.ShouldBe(db.AuditKey().TryLoad()!.Id);
        (await File.ReadAllTextAsync(key)).ShouldContain("keyed-from: 1");
    }

    [Theory, BothDatabases]
    public async Task A_chain_written_before_the_key_still_verifies_and_continues_keyed(Enum kind)
    {
        using var db = await TestDatabase.Create((DatabaseProviderKind)kind).MigrateAsync();
        await AuditTrailTests.WriteEventsAsync(db, 3);
        // As a database from before this version: plain SHA-256 events, and no key file yet.
        await Tamper.RechainAsync(db, 1, _ => { });
        File.Delete(db.AuditKey().Path);
        // Making that state took the triggers off; migrating (as an upgrade does) puts them back.
        await db.MigrateAsync();
        await using (var ctx = db.Context())
        {
            (await AuditChain.VerifyAsync(ctx, CancellationToken.None)).Ok.ShouldBeTrue();
        }

        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(0);
        await AuditTrailTests.WriteEventsAsync(db, 2);
        (await File.ReadAllTextAsync(db.AuditKey().Path)).ShouldContain("keyed-from: 4");
        await using (var ctx = db.Context())
        {
            (await ctx.AuditEvents.OrderBy(e => e.Seq).Select(e => e.KeyId != null).ToListAsync()).ShouldBe([false, false, false, true, true]);
            var ok = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            ok.Ok.ShouldBeTrue(ok.Message);
        }

        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(0);

        // Rewriting from an old event on, as unkeyed events, is caught where the keyed part began.
        await Tamper.RechainAsync(db, 2, e => e.Summary = "Nothing happened");
        await using (var ctx = db.Context())
        {
            var forged = await AuditChain.VerifyAsync(ctx, CancellationToken.None);
            forged.FirstBrokenSeq.ShouldBe(4);
            forged.Message.ShouldContain("every event from 4 on was written with the audit key");
        }

        // And removing every keyed event leaves fewer events than the key file knows of.
        await Tamper.SqlAsync(db, "DELETE FROM audit_event WHERE seq >= 3");
        await using (var ctx = db.Context())
        {
            (await AuditChain.VerifyAsync(ctx, CancellationToken.None)).Message.ShouldContain("the chain ends at event 2, but events up to 3 existed when the audit key was made");
        }

        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
    }

    private static async Task<AuditHead> HeadAsync(TestDatabase db, long? seq = null)
    {
        await using var ctx = db.Context();
        var e = await ctx.AuditEvents.Where(e => seq == null || e.Seq == seq).OrderByDescending(e => e.Seq).FirstAsync();
        return new AuditHead(e.Seq, e.Hash);
    }
}
