using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Platform;

/// <summary>
/// `audit verify` checks the evidence the chain vouches for: each signature against its policy.signed event, and
/// each published version's text against its hash and its policy.version-published event.
/// </summary>
/// <remarks>The theories take <see cref="Enum"/>: <see cref="DatabaseProviderKind"/> is internal, and xUnit's test methods public.</remarks>
public sealed class AuditEvidenceTests
{
    [Theory, BothDatabases]
    public async Task Signed_and_published_evidence_verifies_and_the_database_refuses_to_change_it(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (world, versionId) = await SignedWorldAsync(db);
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(0);
        await using var ctx = db.Context();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE audit_event SET summary = 'x' WHERE seq = 1"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM audit_event"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE policy_version SET markdown = markdown || 'x' WHERE id = {versionId}"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE policy_version SET status = 'Draft' WHERE id = {versionId}"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"DELETE FROM signature WHERE person_id = {world.Ann.Id}"));
    }

    [Theory, BothDatabases]
    public async Task A_forged_signature_row_fails_verify(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (world, _) = await SignedWorldAsync(db);
        // Inserting breaks no trigger: a signature written straight into the table, copied from a real one.
        await using (var ctx = db.Context())
        {
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO signature (policy_id, policy_version_id, person_id, signed_at, text_sha256, declaration, typed_name, method, witness_person_id, ip_address, user_agent)
                SELECT policy_id, policy_version_id, {world.Ben.Id}, signed_at, text_sha256, declaration, 'Ben Day', method, NULL, ip_address, user_agent FROM signature WHERE person_id = {world.Ann.Id}
                """);
        }

        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        (await VerifyAsync(db)).Problems.ShouldContain(p => p.Contains($"person {world.Ben.Id}) has no policy.signed event"));
    }

    [Theory, BothDatabases]
    public async Task A_signature_edited_or_deleted_after_dropping_its_triggers_fails_verify(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (world, _) = await SignedWorldAsync(db);
        await Tamper.SqlAsync(db, $"UPDATE signature SET typed_name = 'Someone Else', ip_address = '198.51.100.7' WHERE person_id = {world.Ann.Id}");
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        (await VerifyAsync(db)).Message.ShouldContain("differs from event");

        await Tamper.SqlAsync(db, $"DELETE FROM signature WHERE person_id = {world.Ann.Id}");
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        (await VerifyAsync(db)).Message.ShouldContain("that is no longer in the database: it was deleted");
    }

    [Theory, BothDatabases]
    public async Task A_published_version_whose_text_was_edited_fails_verify_even_with_its_hash_recomputed(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (_, versionId) = await SignedWorldAsync(db);
        await Tamper.SqlAsync(db, $"UPDATE policy_version SET markdown = markdown || '- Personal phones may be used anywhere.' WHERE id = {versionId}");
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        (await VerifyAsync(db)).Message.ShouldContain("its text does not match its stored hash");

        string hash;
        await using (var ctx = db.Context())
        {
            var v = await ctx.PolicyVersions.AsNoTracking().SingleAsync(v => v.Id == versionId);
            hash = SignOffService.HashOf(v);
        }

        await Tamper.SqlAsync(db, $"UPDATE policy_version SET text_sha256 = '{hash}' WHERE id = {versionId}");
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        var result = await VerifyAsync(db);
        result.Message.ShouldContain("its text hash differs from the one event");
        result.Problems.ShouldContain(p => p.Contains("is for a different text than version 1.0 now has"));
    }

    [Theory, BothDatabases]
    public async Task Deleting_every_event_fails_verify_while_signatures_and_versions_remain(Enum kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        await SignedWorldAsync(db);
        await Tamper.SqlAsync(db, "DELETE FROM audit_event");
        File.Delete(db.AuditKey().Path);
        (await Tamper.CliAsync(db, "audit", "verify")).ShouldBe(1);
        var result = await VerifyAsync(db);
        result.Problems.ShouldContain(p => p.Contains("has no policy.version-published event"));
        result.Problems.ShouldContain(p => p.Contains("has no policy.signed event"));
    }

    private static async Task<AuditVerification> VerifyAsync(TestDatabase db)
    {
        await using var ctx = db.Context();
        return await AuditChain.VerifyAsync(ctx, CancellationToken.None);
    }

    /// <summary>A published policy that Ann has signed; returns the world and the version's id.</summary>
    private static async Task<(SignOffWorld World, long VersionId)> SignedWorldAsync(TestDatabase db)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (_, versionId) = await world.PolicyAsync();
        if (db.Kind == DatabaseProviderKind.Postgres)
        {
            // SignOffService.PublishAsync does not run on PostgreSQL yet (reading the policy fails on an integer
            // column the PostgreSQL schema has as text, fixed on another branch), so there the same rows and events
            // are written as the service writes them; on SQLite the service itself writes them.
            await PublishAndSignByHandAsync(world, versionId);
            return (world, versionId);
        }

        await world.PublishAsync(versionId);
        await using var ctx = db.Context();
        var signed = await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(versionId, true, world.Ann.FullName, "192.0.2.10", "Test browser"),
            new Actor(world.Ann.Id, world.Ann.FullName), CancellationToken.None);
        signed.Outcome.ShouldBe(SignOutcome.Signed);
        return (world, versionId);
    }

    private static async Task PublishAndSignByHandAsync(SignOffWorld world, long versionId)
    {
        var audit = world.Db.Audit(world.Time);
        var now = AuditChain.TruncateToMicroseconds(world.Time.GetUtcNow().UtcDateTime);
        await using (var ctx = world.Db.Context())
        {
            var version = await ctx.PolicyVersions.SingleAsync(v => v.Id == versionId);
            version.Status = SafeUse.Features.Policies.VersionStatus.Published;
            version.Kind = SafeUse.Features.Policies.ChangeKind.Material;
            version.PublishedAt = now;
            version.TextSha256 = SignOffService.HashOf(version);
            audit.Record(ctx, new Actor(world.Lead.Id, world.Lead.FullName), "policy.version-published", "policy-version", version.Id, "Published version 1.0",
                after: new { version.Number, Kind = "Material", version.TextSha256, version.ChangeSummary, version.ApprovedBy, version.ApprovedOn, Asked = 1 });
            await ctx.SaveChangesAsync();
        }

        await using (var ctx = world.Db.Context())
        {
            var version = await ctx.PolicyVersions.AsNoTracking().SingleAsync(v => v.Id == versionId);
            var signature = new Signature
            {
                PolicyId = version.PolicyId,
                PolicyVersionId = version.Id,
                PersonId = world.Ann.Id,
                SignedAt = now,
                TextSha256 = version.TextSha256!,
                Declaration = version.Declaration,
                TypedName = world.Ann.FullName,
                Method = SignMethod.SelfService,
                IpAddress = "192.0.2.10",
                UserAgent = "Test browser",
            };
            ctx.Signatures.Add(signature);
            audit.Record(ctx, new Actor(world.Ann.Id, world.Ann.FullName), "policy.signed", "signature", $"{version.Id}:{world.Ann.Id}", "Ann Lee signed version 1.0",
                after: new { signature.TextSha256, signature.Method, signature.TypedName, signature.IpAddress, signature.SignedAt });
            await ctx.SaveChangesAsync();
        }
    }
}
