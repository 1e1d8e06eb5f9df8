using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Schools;
using SafeUse.Monitoring;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Monitoring;

/// <summary>
/// A school's monitoring rules, as the YAML the command line reads, and the server folder of its squidGuard-format
/// category lists. Both are checked on save with the engine's own messages (line and field); nothing is saved while
/// either is wrong.
/// </summary>
[Authorize(Policy = MonitoringAccess.SetUp)]
internal sealed class RulesModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time, MonitoringIngest ingest) : PageModel
{
    public const int MaxRules = 200_000; // characters: far beyond any school's rules, small enough to parse at once
    public static readonly IReadOnlyList<string> FormOrder = ["ListsPath", "RulesYaml"];

    [BindProperty(SupportsGet = true)]
    public long SchoolId { get; set; }

    [BindProperty]
    public string? RulesYaml { get; set; }

    [BindProperty]
    public string? ListsPath { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public School School { get; private set; } = null!;
    public IReadOnlyList<string> Categories { get; private set; } = [];
    public string? ListsProblem { get; private set; }
    public int RuleCount { get; private set; }
    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await MonitoringSchools.FindAsync(db, current, MonitoringAccess.SetUpRoles, SchoolId, ct) is not { } school)
        {
            return NotFound();
        }

        School = school;
        var setup = await db.MonitoringSetups.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == SchoolId, ct);
        RulesYaml = setup?.RulesYaml;
        ListsPath = setup?.ListsPath;
        Version = setup?.Version ?? 0;
        if (!string.IsNullOrWhiteSpace(ListsPath))
        {
            try
            {
                var lists = CategoryLists.Load(ListsPath, ingest.ListCache);
                Categories = lists.Names;
                RuleCount = string.IsNullOrWhiteSpace(RulesYaml) ? 0 : RuleSet.Parse(RulesYaml, MonitoringIngest.RulesPath(ListsPath), lists).Rules.Count;
            }
            catch (MonitoringConfigException e)
            {
                ListsProblem = SourcesModel.Where(e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ListsProblem = "SafeUse cannot read the lists folder or a file the rules name: check their permissions";
            }
        }

        Saved = TempData["saved"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await MonitoringSchools.FindAsync(db, current, MonitoringAccess.SetUpRoles, SchoolId, ct) is not { } school)
        {
            return NotFound();
        }

        School = school;
        var yaml = RulesYaml ?? "";
        var lists = (CategoryLists?)null;
        var path = ListsPath?.Trim() ?? "";
        if (path.Length == 0)
        {
            ModelState.AddModelError(nameof(ListsPath), "Enter the folder of the category lists on the server");
        }
        else if (MonitoringSchools.PathProblem(path, directory: true) is { } problem)
        {
            ModelState.AddModelError(nameof(ListsPath), problem);
        }
        else
        {
            try
            {
                lists = CategoryLists.Load(path, ingest.ListCache);
                Categories = lists.Names;
            }
            catch (MonitoringConfigException e)
            {
                ModelState.AddModelError(nameof(ListsPath), SourcesModel.Where(e));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ModelState.AddModelError(nameof(ListsPath), "SafeUse cannot read a file in the lists folder: check its permissions");
            }
        }

        if (string.IsNullOrWhiteSpace(yaml))
        {
            ModelState.AddModelError(nameof(RulesYaml), "Enter the rules");
        }
        else if (yaml.Length > MaxRules)
        {
            ModelState.AddModelError(nameof(RulesYaml), $"The rules must be {MaxRules:N0} characters or fewer");
        }
        else if (lists is not null)
        {
            try
            {
                RuleCount = RuleSet.Parse(yaml, MonitoringIngest.RulesPath(path), lists).Rules.Count;
            }
            catch (MonitoringConfigException e)
            {
                ModelState.AddModelError(nameof(RulesYaml), SourcesModel.Where(e));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ModelState.AddModelError(nameof(RulesYaml), "SafeUse cannot read a search-term file the rules name: check its permissions");
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = await current.ActorAsync(ct);
        var setup = await db.MonitoringSetups.FirstOrDefaultAsync(s => s.SchoolId == SchoolId, ct);
        if (setup is null)
        {
            setup = new MonitoringSetup { SchoolId = SchoolId };
            db.MonitoringSetups.Add(setup);
        }
        else
        {
            db.Entry(setup).Property(s => s.Version).OriginalValue = Version;
        }

        setup.RulesYaml = yaml;
        setup.ListsPath = path;
        setup.Version++;
        setup.UpdatedAt = now;
        setup.UpdatedByPersonId = current.PersonId;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException || (e is DbUpdateException u && DatabaseProvider.IsUniqueViolation(u)))
        {
            ModelState.AddModelError(nameof(RulesYaml), "Someone else saved these rules since you opened them: open the page again to see their change");
            return Page();
        }

        audit.Record(db, actor, "monitoring.rules-saved", "monitoring_setup", setup.Id,
            $"Saved the monitoring rules ({RuleCount} rules) and lists folder of {School.Name}, version {setup.Version}", schoolId: SchoolId,
            after: new { setup.ListsPath, setup.Version, Rules = RuleCount });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        TempData["saved"] = $"Saved {RuleCount} rules.";
        return RedirectToPage(new { SchoolId });
    }
}
