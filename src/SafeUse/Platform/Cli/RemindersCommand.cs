using System.CommandLine;
using SafeUse.Features.SignOff;

namespace SafeUse.Platform.Cli;

internal static class RemindersCommand
{
    public static Command Create()
    {
        var run = new Command("run", "Run the sign-off clock once: ask joiners, stop chasing leavers, send due reminders and escalations, and review notices. The web app does this every 15 minutes.");
        run.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var r = await scope.ServiceProvider.GetRequiredService<SignOffScheduler>().RunOnceAsync(ct);
            Console.WriteLine($"{r.Joiners} joiners asked to sign, {r.Stopped} leavers no longer chased, {r.Reminders} reminders, {r.Escalations} escalation digests, {r.ReviewNotices} review notices queued, {r.Reconfirmations} yearly re-confirmations started.");
            return 0;
        }));
        return new Command("reminders", "Sign-off reminders and escalation.") { run };
    }
}
