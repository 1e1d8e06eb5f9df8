using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies;
using SafeUse.Features.Policies.Documents;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class PolicyCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A Word (.docx), Markdown (.md) or plain text (.txt) policy." };
        var title = new Option<string?>("--title") { Description = "The policy's title, instead of the one read from the file." };
        var school = new Option<string?>("--school") { Description = "The school (name or URN) the policy is for; without it the policy is trust-wide." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and check the file, save nothing." };
        var json = new Option<bool>("--json") { Description = "Print what was read as JSON." };
        var import = new Command("import", "Import a policy as a new draft: sections, clauses, tables, metadata and the signature slip are recognised.") { file, title, school, dryRun, json };
        import.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName}: no such file");
            }

            PolicyDocument doc;
            try
            {
                PolicyDocumentReader.CheckSize(path.Name, path.Length);
                doc = PolicyDocumentReader.Read(path.Name, await File.ReadAllBytesAsync(path.FullName, ct), ct: ct);
            }
            catch (PolicyImportException ex)
            {
                throw new CliException(ex.Message);
            }

            if (parse.GetValue(title) is { } t)
            {
                doc.Title = t;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(PolicyDocumentJson.Serialize(doc));
            }
            else
            {
                Console.WriteLine($"{path.Name}: \"{doc.Title}\", {PolicyDocumentSummary.Count(doc.Metadata.Count, "metadata line")}, {PolicyDocumentSummary.Parts(doc)}, {(doc.Declaration is null ? "no signature slip" : "a signature slip")}.");
            }

            if (parse.GetValue(dryRun))
            {
                return 0;
            }

            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var trust = await db.Trusts.OrderBy(x => x.Id).FirstOrDefaultAsync(ct) ?? throw new CliException("SafeUse is not set up yet: run `safeuse admin create` first");
            var form = PolicyImport.ToForm(doc);
            form.Title = parse.GetValue(title) ?? form.Title;
            if (parse.GetValue(school) is { } key)
            {
                var target = await db.Schools.FirstOrDefaultAsync(s => s.Urn == key.Trim() || s.Name == key.Trim(), ct)
                    ?? throw new CliException($"--school: no school has the name or URN \"{key}\"");
                form.Scope = PolicyScope.Schools;
                form.SchoolIds = [target.Id];
            }

            var policy = await scope.ServiceProvider.GetRequiredService<PolicyAuthoring>().CreateAsync(trust.Id, form, null, PolicyDocumentJson.ToMarkdown(doc), PolicyImport.DeclarationOf(doc), new Actor(null, "Command line import"), path.Name, ct);
            if (!parse.GetValue(json))
            {
                Console.WriteLine($"Saved as policy {policy.Id} with draft 1.0. Check and publish it at /policies/{policy.Id}.");
            }

            return 0;
        }));
        return new Command("policy", "Policies.") { import };
    }
}
