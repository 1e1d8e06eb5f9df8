using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file with a heading row, as exported from the MIS." };
        var school = new Option<string>("--school") { Description = "The school, by name or URN.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and show what would change, writing nothing." };
        var markLeavers = new Option<bool>("--mark-leavers") { Description = "This is the school's full staff list: mark people missing from it as leavers." };
        var acceptEmails = new Option<bool>("--accept-email-changes") { Description = "Apply the work email changes the file makes (they are listed first; people sign in with their work email)." };
        var columns = new Option<string[]>("--column")
        {
            Description = "Say which column holds a field when its heading is not recognised, as FIELD=HEADING (repeatable), e.g. --column given-name=\"Known As\". Fields: "
                + string.Join(", ", Enum.GetValues<StaffField>().Select(f => f.Slug())) + ".",
            AllowMultipleArgumentsPerToken = false,
        };
        var staff = new Command("staff", "Import or update a school's staff from CSV. An invalid file writes nothing.") { file, school, dryRun, markLeavers, acceptEmails, columns };
        staff.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
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

            // The file is checked before the database is opened: a file that is not a staff list says so and writes nothing.
            string text;
            IReadOnlyDictionary<int, StaffField>? mapping = null;
            try
            {
                text = StaffCsv.Read(path.Name, await File.ReadAllBytesAsync(path.FullName, ct));
                if (parse.GetValue(columns) is { Length: > 0 } corrections)
                {
                    mapping = StaffCsv.WithCorrections(StaffCsv.Parse(text).Headings, corrections);
                }
            }
            catch (StaffCsvException ex)
            {
                throw new CliException(ex.Message);
            }

            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var key = parse.GetValue(school)!.Trim();
            // Names are matched without regard to case, as a person types them ("test primary" for "Test Primary").
            var lowered = key.ToLowerInvariant();
            var target = await db.Schools.FirstOrDefaultAsync(s => s.Urn == key || s.Name.ToLower() == lowered, ct)
                ?? throw new CliException($"--school: no school has the name or URN \"{key}\". Schools: {string.Join(", ", await db.Schools.Select(s => s.Name + (s.Urn == null ? "" : " (" + s.Urn + ")")).ToListAsync(ct))}");
            var parsed = StaffCsv.Parse(text, mapping);
            var importer = scope.ServiceProvider.GetRequiredService<StaffImporter>();
            var plan = await importer.PlanAsync(target, parsed, ct);
            if (!plan.IsValid)
            {
                await Console.Error.WriteLineAsync($"{path.Name}: {plan.File.Problems.Count} problem(s); nothing was imported.");
                foreach (var p in plan.File.Problems)
                {
                    await Console.Error.WriteLineAsync($"  {path.Name}: {p}");
                }

                if (plan.File.Problems.Any(p => p.Column is null && p.Message.StartsWith("No column is mapped", StringComparison.Ordinal)))
                {
                    await Console.Error.WriteLineAsync($"Say which column holds each field with --column FIELD=HEADING; the file's headings are {string.Join(", ", parsed.Headings.Select(h => $"\"{h}\""))}.");
                }

                return 2;
            }

            Console.WriteLine($"{path.Name}: {parsed.Rows.Count} people: {plan.Creates.Count} new, {plan.Updates.Count} changed, {plan.Unchanged} unchanged; {plan.Missing.Count} current staff of {target.Name} are not in the file.");
            foreach (var change in plan.EmailChanges)
            {
                Console.WriteLine($"  line {change.Line}: {change.Name}'s work email changes from {change.From ?? "(none)"} to {change.To}");
            }

            foreach (var k in plan.Kept)
            {
                Console.WriteLine($"  {k.Person.FullName} is not in the file and is left as they are: {k.Reason}");
            }

            if (parse.GetValue(dryRun))
            {
                Console.WriteLine("Dry run: nothing was written.");
                return 0;
            }

            if (plan.EmailChanges.Count > 0 && !parse.GetValue(acceptEmails))
            {
                throw new CliException($"{path.Name}: the file changes {plan.EmailChanges.Count} work email address(es), listed above; check them and run again with --accept-email-changes. Nothing was imported.");
            }

            var result = await importer.ApplyAsync(target, parsed, parse.GetValue(markLeavers), parse.GetValue(acceptEmails), ImportAuthority.Trust, new Actor(null, "Command line import"), null, ct);
            Console.WriteLine($"Imported: {result.Created} new, {result.Updated} updated, {result.Unchanged} unchanged, {result.MarkedLeavers} marked as leavers."
                + (result.AskedToSign > 0 ? $" {result.AskedToSign} asked to sign policies." : ""));
            return 0;
        }));
        return new Command("import", "Import data from files.") { staff };
    }
}
