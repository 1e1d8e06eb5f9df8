using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class AuditCommand
{
    public static Command Create()
    {
        var expectHead = new Option<string[]>("--expect-head")
        {
            Description = "A head saved outside the database (from the daily email or `audit head`), as N:HASH: fail unless event N is there with that hash. May be given more than once.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var headsFile = new Option<string?>("--heads")
        {
            Description = "A file of saved heads, one N:HASH a line (blank lines and lines starting with # are skipped).",
        };
        var verify = new Command("verify",
            "Check the audit trail: every link of the keyed hash chain, the saved heads given, and that every signature and published version's text matches the event that recorded it. Exit 1 naming what failed; 2 when the audit key file is missing.")
        {
            expectHead, headsFile,
        };
        verify.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var heads = new List<AuditHead>();
            foreach (var text in parse.GetValue(expectHead) ?? [])
            {
                heads.Add(AuditHead.Parse(text) ?? throw new CliException($"--expect-head {text} is not N:HASH (an event number, a colon and the 64 hex digits of its hash)."));
            }

            if (parse.GetValue(headsFile) is { } file)
            {
                heads.AddRange(await ReadHeadsAsync(file, ct));
            }

            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var result = await AuditVerifier.VerifyAsync(db, db.AuditKey, heads, ct);
            // An embedded SQLite database was migrated just now, which put back any guard that was missing.
            var unguarded = await host.Services.GetRequiredService<MigrationRunner>().CheckProtectionsAsync(ct);
            if (unguarded.Count > 0 && !result.KeyMissing)
            {
                var problems = unguarded.Select(u => $"the protective {u} is missing, disabled or altered: `safeuse db migrate` restores it").ToList();
                result = result.Ok
                    ? new(false, result.Checked, null, problems[0], problems)
                    : result with { Problems = [.. result.Problems, .. problems] };
            }
            if (result.Ok)
            {
                Console.WriteLine($"OK: {result.Message}.");
                return 0;
            }

            if (result.KeyMissing)
            {
                await Console.Error.WriteLineAsync($"error: {result.Message}.");
                return 2;
            }

            await Console.Error.WriteLineAsync(result.FirstBrokenSeq is { } seq
                ? $"BROKEN at event {seq}: {result.Message}. {result.Checked} events before it verified."
                : $"BROKEN: {result.Problems.Count} problem(s); the chain's {result.Checked} events link correctly, but:");
            if (result.FirstBrokenSeq is null)
            {
                foreach (var problem in result.Problems)
                {
                    await Console.Error.WriteLineAsync($"  - {problem}");
                }
            }

            return 1;
        }));

        var head = new Command("head", "Print the newest event's number and hash as N:HASH (then its time), to keep somewhere outside the database.");
        head.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
            Console.WriteLine(last is null ? $"0:{AuditChain.Genesis}" : $"{new AuditHead(last.Seq, last.Hash)} {last.At:O}");
            return 0;
        }));
        return new Command("audit", "The audit trail.") { verify, head };
    }

    private static async Task<List<AuditHead>> ReadHeadsAsync(string file, CancellationToken ct)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(file, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the heads file {file}: {ex.Message}");
        }

        var heads = new List<AuditHead>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            heads.Add(AuditHead.Parse(line)
                ?? throw new CliException($"{file} line {i + 1} is not N:HASH (an event number, a colon and the 64 hex digits of its hash): \"{line}\""));
        }

        if (heads.Count == 0)
        {
            throw new CliException($"{file} holds no saved heads (one N:HASH a line).");
        }

        return heads;
    }
}
