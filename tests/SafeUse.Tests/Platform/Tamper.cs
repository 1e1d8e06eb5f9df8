using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Cli;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.Platform;

/// <summary>What someone with a copy of the database (and its owner's rights, but not the key file) can do to it.</summary>
internal static class Tamper
{
    public static string[] DropGuards(DatabaseProviderKind kind) => kind == DatabaseProviderKind.Postgres
        ?
        [
            "DROP TRIGGER IF EXISTS tr_audit_event_no_change ON audit_event",
            "DROP TRIGGER IF EXISTS tr_audit_event_no_truncate ON audit_event",
            "DROP TRIGGER IF EXISTS tr_signature_no_change ON signature",
            "DROP TRIGGER IF EXISTS tr_signature_no_truncate ON signature",
            "DROP TRIGGER IF EXISTS tr_policy_version_text_fixed ON policy_version",
        ]
        :
        [
            "DROP TRIGGER IF EXISTS tr_audit_event_no_update",
            "DROP TRIGGER IF EXISTS tr_audit_event_no_delete",
            "DROP TRIGGER IF EXISTS tr_signature_no_update",
            "DROP TRIGGER IF EXISTS tr_signature_no_delete",
            "DROP TRIGGER IF EXISTS tr_policy_version_text_fixed",
        ];

    /// <summary>Takes the protective triggers off, then runs the statements.</summary>
    public static async Task SqlAsync(TestDatabase db, params string[] statements)
    {
        await using var ctx = db.Context();
        foreach (var sql in DropGuards(db.Kind).Concat(statements))
        {
            await ctx.Database.ExecuteSqlRawAsync(sql);
        }
    }

    /// <summary>
    /// Edits event <paramref name="from"/> and recomputes the chain from it to the end, as the old plain SHA-256
    /// chain allowed: without the key the forger can only write unkeyed (SHA-256) hashes.
    /// </summary>
    public static async Task RechainAsync(TestDatabase db, long from, Action<AuditEvent> edit, bool keepKeyId = false)
    {
        await SqlAsync(db);
        await using var ctx = db.Context();
        var events = await ctx.AuditEvents.Where(e => e.Seq >= from - 1).OrderBy(e => e.Seq).ToListAsync();
        var prev = events[0].Seq == from ? AuditChain.Genesis : events[0].Hash;
        foreach (var e in events.Where(e => e.Seq >= from))
        {
            if (e.Seq == from)
            {
                edit(e);
            }

            var keyId = e.KeyId;
            e.PrevHash = prev;
            e.KeyId = null;
            e.Hash = AuditChain.Compute(e);
            e.KeyId = keepKeyId ? keyId : null;
            prev = e.Hash;
        }

        await ctx.SaveChangesAsync();
    }

    /// <summary>The arguments that point the command line at this test's database and data folder.</summary>
    public static string[] Target(TestDatabase db) => db.Kind == DatabaseProviderKind.Postgres
        ? ["--database-provider", "Postgres", "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory]
        : ["--data-dir", db.DataDirectory];

    public static Task<int> CliAsync(TestDatabase db, params string[] args) => SafeUseCli.RunAsync([.. args, .. Target(db)]);
}
