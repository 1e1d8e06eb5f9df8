using System.CommandLine;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class DbCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the scripts that would run, and change nothing." };
        var migrate = new Command("migrate", "Apply the database scripts this version needs.") { dryRun };
        migrate.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            using var host = await SafeUseCli.BuildHostAsync(parse, ct, migrate: false);
            var runner = host.Services.GetRequiredService<MigrationRunner>();
            var result = await runner.MigrateAsync(parse.GetValue(dryRun), ct);
            if (parse.GetValue(dryRun))
            {
                Console.WriteLine(result.Pending.Count == 0
                    ? $"Nothing to do: all {result.AlreadyApplied} scripts are applied."
                    : $"Would apply {result.Pending.Count} script(s): {string.Join(", ", result.Pending)}");
            }
            else
            {
                Console.WriteLine(result.Applied.Count == 0
                    ? $"Nothing to do: all {result.AlreadyApplied} scripts are applied."
                    : $"Applied {result.Applied.Count} script(s): {string.Join(", ", result.Applied)}");
            }

            return 0;
        }));
        return new Command("db", "Database commands.") { migrate };
    }
}
