using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Command("verify", "Check every link of the audit trail's hash chain; exit 1 and name the first broken event if one fails.");
        verify.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var result = await AuditChain.VerifyAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
            if (result.Ok)
            {
                Console.WriteLine($"OK: {result.Message}.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"BROKEN at event {result.FirstBrokenSeq}: {result.Message}. {result.Checked} events before it verified.");
            return 1;
        }));

        var head = new Command("head", "Print the newest event's number and hash, to keep somewhere outside the database.");
        head.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
            Console.WriteLine(last is null ? $"0 {AuditChain.Genesis}" : $"{last.Seq} {last.Hash} {last.At:O}");
            return 0;
        }));
        return new Command("audit", "The audit trail.") { verify, head };
    }
}
