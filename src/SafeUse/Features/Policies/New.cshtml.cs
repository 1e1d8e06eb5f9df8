using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Policies.Documents;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Web;

namespace SafeUse.Features.Policies;

/// <summary>
/// "Add a policy" as question pages (about the policy, its text, approval and review, signing and reminders) and a
/// check-your-answers page that creates it. The answers live on the server (<see cref="PolicyFormDraft"/>), each step
/// checks its own fields, and the final submit checks everything again against the author's access as it is then:
/// it alone writes the policy, once, however many times it is sent.
/// </summary>
[Authorize(Policy = PolicyAccess.Managers)]
[PolicyUploadLimit]
[RequestSizeLimit(PolicyUpload.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PolicyUpload.MaxRequestBytes)]
internal sealed class NewModel(AppDbContext db, CurrentUser current, PolicyAuthoring authoring, TimeProvider time) : PageModel
{
    public const string Details = "details";
    public const string TextStep = "text";
    public const string Review = "review";
    public const string Reminders = "reminders";
    public const string Check = "check";

    /// <summary>The query key that tells the first step the form the author was filling in could not be found.</summary>
    public const string NotFoundKey = "not-found";

    /// <summary>The question pages in order; check-your-answers follows them.</summary>
    public static readonly string[] Steps = [Details, TextStep, Review, Reminders];

    /// <summary>Drafts nobody has touched for this long are removed when someone starts a new one.</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromDays(30);

    [BindProperty]
    public PolicyForm Policy { get; set; } = new();

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Declaration { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    /// <summary>The draft's key, once the first step has been answered (or a file read).</summary>
    public string? Draft { get; private set; }

    public string Step { get; private set; } = Details;
    public NewPolicyAnswers Answers { get; private set; } = new();
    public List<School> Schools { get; private set; } = [];

    /// <summary>On check-your-answers after a refused create: each problem with a link to the field on its step.</summary>
    public List<(string Message, string Href)> Problems { get; } = [];

    /// <summary>The kept text counted as signers will see it: sections, clauses and tables.</summary>
    public string TextSummary
    {
        get
        {
            try
            {
                return PolicyDocumentSummary.Parts(PolicyDocumentReader.Read("policy.md", System.Text.Encoding.UTF8.GetBytes(Answers.Text ?? "")));
            }
            catch (PolicyImportException ex)
            {
                return ex.Message;
            }
        }
    }

    public int StepNumber => Array.IndexOf(Steps, Step) + 1;

    public string Heading => Step switch
    {
        TextStep => "The policy's text",
        Review => "Approval and review",
        Reminders => "Signing and reminders",
        Check => "Check your answers before creating the policy",
        _ => "About the policy",
    };

    public string UrlOf(string step) => Draft is null ? "/policies/new" : $"/policies/new/{Draft}/{step}";

    public string BackUrl => StepNumber <= 1 ? "/policies" : UrlOf(Step == Check ? Reminders : Steps[StepNumber - 2]);

    public IReadOnlyList<string> ErrorOrder => Step switch
    {
        Details => ["Upload", .. PolicyForm.AboutOrder(nameof(Policy))],
        TextStep => ["Upload", nameof(Text), nameof(Declaration)],
        Review => PolicyForm.ReviewOrder(nameof(Policy)),
        Reminders => Policy.RemindersOrder(nameof(Policy)),
        _ => [],
    };

    public async Task<IActionResult> OnGetAsync(string? draft, string? step, CancellationToken ct)
    {
        var scope = await LoadSchoolsAsync(ct);
        if (draft is null)
        {
            if (!scope.AllSchools)
            {
                Answers.Policy.Scope = PolicyScope.Schools;
            }

            Show(Details);
            PolicyUpload.ShowRefusedRequest(Request, ModelState, nameof(Upload));
            return Page();
        }

        if (await FindDraftAsync(draft, ct) is not { } found)
        {
            return StartAgain();
        }

        Answers = NewPolicyAnswers.FromJson(found.Answers);
        if (Unreachable(step) is { } redirect)
        {
            return redirect;
        }

        Show(step!);
        PolicyUpload.ShowRefusedRequest(Request, ModelState, nameof(Upload));
        if (Step == Check)
        {
            return Page();
        }

        // An answered step opened again (a "Change" link) shows any of its answers that no longer pass, such as a
        // school the author has since lost.
        if (Answers.Done.Contains(Step) && Request.Query[PolicyUpload.TooLargeKey].Count == 0)
        {
            await ValidateStepAsync(scope, ct);
        }

        return Page();
    }

    /// <summary>Continue: checks this step's answers, keeps them, and goes to the next step not yet answered.</summary>
    public async Task<IActionResult> OnPostAsync(string? draft, string? step, CancellationToken ct)
    {
        var scope = await LoadSchoolsAsync(ct);
        PolicyFormDraft? row = null;
        if (draft is not null)
        {
            row = await FindDraftAsync(draft, ct);
            if (row is null)
            {
                // Sent twice: the first created the policy and removed the draft.
                return await db.IdempotencyKeys.AnyAsync(k => k.Key == IdempotencyKeyOf(draft), ct)
                    ? AlreadyCreated()
                    : StartAgain();
            }

            Answers = NewPolicyAnswers.FromJson(row.Answers);
            if (Unreachable(step) is { } redirect)
            {
                return redirect;
            }
        }

        Step = draft is null ? Details : step!;
        Draft = draft;
        if (Step == Check)
        {
            return await CreateAsync(row!, scope, ct);
        }

        await ValidateStepAsync(scope, ct);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        switch (Step)
        {
            case Details:
                Answers.Policy.CopyAbout(Policy);
                break;
            case TextStep:
                (Answers.Text, Answers.Declaration, Answers.ImportedSummary) = (Text!.Replace("\r\n", "\n"), Declaration!.Trim(), null);
                break;
            case Review:
                Answers.Policy.CopyReview(Policy);
                break;
            case Reminders:
                Policy.Reminders.RemoveAll(r => r.IsBlank);
                Answers.Policy.CopyReminders(Policy);
                break;
        }

        if (!Answers.Done.Contains(Step))
        {
            Answers.Done.Add(Step);
        }

        await SaveAsync(row, ct);
        return Redirect(UrlOf(NextStep()));
    }

    /// <summary>
    /// Reads a Word, Markdown or text file: its text and declaration, and what it says about the policy for every
    /// step not yet answered (answers already given are kept). Nothing becomes a policy until it is created.
    /// </summary>
    public async Task<IActionResult> OnPostImportAsync(string? draft, string? step, CancellationToken ct)
    {
        var scope = await LoadSchoolsAsync(ct);
        PolicyFormDraft? row = null;
        if (draft is not null)
        {
            if ((row = await FindDraftAsync(draft, ct)) is null)
            {
                return StartAgain();
            }

            Answers = NewPolicyAnswers.FromJson(row.Answers);
            if (Unreachable(step) is { } redirect)
            {
                return redirect;
            }
        }
        else if (!scope.AllSchools)
        {
            Answers.Policy.Scope = PolicyScope.Schools;
        }

        Draft = draft;
        Show(draft is null ? Details : step!);
        ModelState.Clear();
        var doc = await PolicyUpload.ReadAsync(Upload, ModelState, nameof(Upload), ct);
        if (doc is null)
        {
            return Page();
        }

        var read = PolicyImport.ToForm(doc, NewPolicyAnswers.FromJson(Answers.ToJson()).Policy);
        if (!Answers.Done.Contains(Details))
        {
            Answers.Policy.CopyAbout(read);
        }

        if (!Answers.Done.Contains(Review))
        {
            Answers.Policy.CopyReview(read);
        }

        Answers.Text = PolicyDocumentJson.ToMarkdown(doc);
        Answers.Declaration = PolicyImport.DeclarationOf(doc);
        Answers.ImportedFrom = Path.GetFileName(Upload!.FileName);
        Answers.ImportedSummary = PolicyDocumentSummary.Describe(doc);
        await SaveAsync(row, ct);
        return Redirect(UrlOf(Step));
    }

    /// <summary>"Add another step" on the reminders step: the same answers, not yet kept, with one more empty step.</summary>
    public async Task<IActionResult> OnPostAddStepAsync(string? draft, string? step, CancellationToken ct)
    {
        await LoadSchoolsAsync(ct);
        if (draft is null || await FindDraftAsync(draft, ct) is not { } row)
        {
            return StartAgain();
        }

        Answers = NewPolicyAnswers.FromJson(row.Answers);
        if (Unreachable(step) is { } redirect)
        {
            return redirect;
        }

        Draft = draft;
        Step = Reminders;
        ModelState.Clear();
        if (Policy.Reminders.Count < 20)
        {
            Policy.Reminders.Add(new ReminderRow());
        }

        return Page();
    }

    private async Task<IActionResult> CreateAsync(PolicyFormDraft row, SchoolScope scope, CancellationToken ct)
    {
        // Everything again, from the kept answers alone, with the author's access as it is now.
        ModelState.Clear();
        Show(Check);
        Answers.Policy.Validate(ModelState, nameof(Policy), Schools, scope.AllSchools);
        var me = await current.PersonAsync(ct);
        var ownerId = await Answers.Policy.ResolveOwnerAsync(db, me.TrustId, scope, ModelState, nameof(Policy), ct);
        CheckText(Answers.Text, Answers.Declaration);
        if (!ModelState.IsValid)
        {
            var order = Answers.Policy.Order(nameof(Policy)).Concat([nameof(Text), nameof(Declaration)]).ToList();
            foreach (var (key, entry) in ModelState.Where(kv => kv.Value!.Errors.Count > 0).OrderBy(kv => Gov.FormPosition(kv.Key, order)))
            {
                var step = key is nameof(Text) or nameof(Declaration) ? TextStep
                    : PolicyForm.AboutOrder(nameof(Policy)).Any(f => key.StartsWith(f, StringComparison.Ordinal)) ? Details
                    : PolicyForm.ReviewOrder(nameof(Policy)).Any(f => key.StartsWith(f, StringComparison.Ordinal)) ? Review
                    : Reminders;
                Problems.AddRange(entry!.Errors.Select(e => (e.ErrorMessage, $"{UrlOf(step)}#{Gov.Id(key)}")));
            }

            return Page();
        }

        var idempotencyKey = IdempotencyKeyOf(row.Key);
        var actor = await current.ActorAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.IdempotencyKeys.AnyAsync(k => k.Key == idempotencyKey, ct))
            {
                return AlreadyCreated();
            }

            db.IdempotencyKeys.Add(new IdempotencyKey { Key = idempotencyKey, CreatedAt = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
            var policy = await authoring.CreateAsync(me.TrustId, Answers.Policy, ownerId, Answers.Text!, Answers.Declaration!, actor, Answers.ImportedFrom, ct);
            await db.Set<PolicyFormDraft>().Where(d => d.Key == row.Key).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
            TempData["Success"] = $"Saved {policy.Title} with a draft. Check the draft, then publish it to ask staff to sign.";
            return Redirect($"/policies/{policy.Id}");
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // The same answers sent twice at once: the other request holds the key and creates the policy.
            return AlreadyCreated();
        }
    }

    private async Task ValidateStepAsync(SchoolScope scope, CancellationToken ct)
    {
        switch (Step)
        {
            case Details:
                Policy.ValidateAbout(ModelState, nameof(Policy), Schools, scope.AllSchools);
                await Policy.ResolveOwnerAsync(db, (await current.PersonAsync(ct)).TrustId, scope, ModelState, nameof(Policy), ct);
                break;
            case TextStep:
                CheckText(Text, Declaration);
                break;
            case Review:
                Policy.ValidateReview(ModelState, nameof(Policy));
                break;
            case Reminders:
                Policy.ValidateReminders(ModelState, nameof(Policy));
                break;
        }
    }

    private void CheckText(string? text, string? declaration)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            ModelState.AddModelError(nameof(Text), "Enter the policy's text");
        }

        if (string.IsNullOrWhiteSpace(declaration))
        {
            ModelState.AddModelError(nameof(Declaration), "Enter the declaration staff agree to");
        }
    }

    /// <summary>Shows a step with the kept answers.</summary>
    private void Show(string step)
    {
        Step = step;
        Policy = Answers.Policy;
        Text = Answers.Text;
        Declaration = Answers.Declaration;
    }

    /// <summary>A step that cannot be opened yet (or no such step) sends the author to the first one not answered.</summary>
    private RedirectResult? Unreachable(string? step)
    {
        var first = Steps.FirstOrDefault(s => !Answers.Done.Contains(s)) ?? Check;
        var at = step == Check ? Steps.Length : Array.IndexOf(Steps, step);
        return at < 0 || at > Array.IndexOf([.. Steps, Check], first) ? Redirect(UrlOf(first)) : null;
    }

    private string NextStep() => Steps.FirstOrDefault(s => !Answers.Done.Contains(s)) ?? Check;

    private async Task SaveAsync(PolicyFormDraft? row, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null)
        {
            var stale = now - Abandoned;
            await db.Set<PolicyFormDraft>().Where(d => d.UpdatedAt < stale).ExecuteDeleteAsync(ct);
            row = new PolicyFormDraft { Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), PersonId = (await current.PersonAsync(ct)).Id, Answers = "", CreatedAt = now };
            db.Set<PolicyFormDraft>().Add(row);
        }

        row.Answers = Answers.ToJson();
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        Draft = row.Key;
    }

    /// <summary>The author's own draft; anyone else's, or one that is gone, is not found.</summary>
    private async Task<PolicyFormDraft?> FindDraftAsync(string key, CancellationToken ct)
    {
        var me = await current.PersonAsync(ct);
        var row = await db.Set<PolicyFormDraft>().FirstOrDefaultAsync(d => d.Key == key && d.PersonId == me.Id, ct);
        Draft = row?.Key;
        return row;
    }

    /// <summary>A draft that is gone, or not the author's: the same answer for both, and a fresh form.</summary>
    private RedirectResult StartAgain() => Redirect("/policies/new?" + NotFoundKey + "=1");

    private RedirectResult AlreadyCreated()
    {
        TempData["Success"] = "This policy had already been created from these answers: it is in the list below.";
        return Redirect("/policies");
    }

    private static string IdempotencyKeyOf(string draft) => "policy-new:" + draft;

    private async Task<SchoolScope> LoadSchoolsAsync(CancellationToken ct)
    {
        var scope = await current.ScopeAsync(PolicyAccess.ManagerRoles, ct);
        Schools = await db.Schools.AsNoTracking().Where(s => scope.AllSchools || scope.SchoolIds.Contains(s.Id)).OrderBy(s => s.Name).ToListAsync(ct);
        return scope;
    }
}
