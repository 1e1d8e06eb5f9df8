using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Pupils;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

/// <summary><c>safeuse pupils import --school S FILE [--apply] [--mark-leavers]</c>: checks by default, writes only with --apply.</summary>
internal static class PupilsCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A pupil CSV file with a heading row, as exported from the MIS (see README, Pupils)." };
        var school = new Option<string>("--school") { Description = "The school, by name or URN.", Required = true };
        var apply = new Option<bool>("--apply") { Description = "Write the pupils; without it the file is only checked and nothing is written." };
        var markLeavers = new Option<bool>("--mark-leavers") { Description = "This is the school's full pupil list: mark pupils missing from it as leavers (they are kept)." };
        var import = new Command("import", "Check, and with --apply import, a school's pupils from CSV. An invalid file writes nothing.") { file, school, apply, markLeavers };
        import.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName}: no such file");
            }

            if (path.Length > StaffCsv.MaxBytes)
            {
                throw new CliException($"{path.Name}: the file is {path.Length / 1024 / 1024} MB; the limit is {StaffCsv.MaxBytes / 1024 / 1024} MB");
            }

            string text;
            try
            {
                text = StaffCsv.Read(path.Name, await File.ReadAllBytesAsync(path.FullName, ct));
            }
            catch (StaffCsvException ex)
            {
                throw new CliException(ex.Message);
            }

            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            var key = parse.GetValue(school)!.Trim();
            var lowered = key.ToLowerInvariant();
            var target = await db.Schools.FirstOrDefaultAsync(s => s.Urn == key || s.Name.ToLower() == lowered, ct)
                ?? throw new CliException($"--school: no school has the name or URN \"{key}\". Schools: {string.Join(", ", await db.Schools.Select(s => s.Name + (s.Urn == null ? "" : " (" + s.Urn + ")")).ToListAsync(ct))}");
            var parsed = PupilCsv.Parse(text, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
            var importer = scope.ServiceProvider.GetRequiredService<PupilImporter>();
            var plan = await importer.PlanAsync(target, parsed, ct);
            if (!plan.IsValid)
            {
                await Console.Error.WriteLineAsync($"{path.Name}: {plan.File.Problems.Count} problem(s); nothing was imported.");
                foreach (var p in plan.File.Problems)
                {
                    await Console.Error.WriteLineAsync($"  {path.Name}: {p}");
                }

                return 2;
            }

            Console.WriteLine($"{path.Name}: {parsed.Rows.Count} pupils: {plan.Creates.Count} new, {plan.Updates.Count} changed, {plan.Unchanged} unchanged; {plan.Missing.Count} current pupils of {target.Name} are not in the file.");
            if (!parse.GetValue(apply))
            {
                Console.WriteLine("Checked only: nothing was written. Run again with --apply to import.");
                return 0;
            }

            var result = await importer.ApplyAsync(target, parsed, parse.GetValue(markLeavers), new Actor(null, "Command line import"), null, ct);
            Console.WriteLine($"Imported: {result.Created} new, {result.Updated} updated, {result.Unchanged} unchanged, {result.MarkedLeavers} marked as leavers.");
            return 0;
        }));
        return new Command("pupils", "Pupils from the MIS.") { import };
    }
}
