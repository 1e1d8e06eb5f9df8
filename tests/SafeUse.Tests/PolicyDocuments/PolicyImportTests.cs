using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Policies.Documents;
using SafeUse.Platform.Cli;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

public sealed class PolicyImportTests : IDisposable
{
    private readonly TestDatabase db = TestDatabase.Sqlite();

    public void Dispose() => db.Dispose();

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "PolicyDocuments", "Fixtures", name);

    [Fact]
    public void Recognised_metadata_fills_the_policy_record()
    {
        var form = PolicyImport.ToForm(PolicyDocumentReader.Read("pasted-aup.txt", File.ReadAllBytes(FixturePath("pasted-aup.txt"))));
        form.Title.ShouldBe("Online Safety and Acceptable Use Policy for Staff");
        form.OwnerRole.ShouldBe(nameof(Role.OnlineSafetyLead));
        form.ApprovalBody.ShouldBe("Full Governing Body");
        form.Approved.Text.ShouldBe("Summer Term 2025");
        form.NextReview.Text.ShouldBe("September 2026");
        form.ReviewCycleMonths.ShouldBe("12");
        form.ReviewOnLawChange.ShouldBeTrue();
        form.LinkedPolicies.ShouldBe("Safeguarding Policy\nData Protection Policy\nBehaviour Policy");
        PolicyImport.CycleMonths("every 2 years").ShouldBe(24);
        PolicyImport.CycleMonths("Biennially").ShouldBe(24);
        PolicyImport.CycleMonths("18 months").ShouldBe(18);
    }

    [Fact]
    public void The_declaration_is_the_slip_s_sentence_without_its_name_and_date_lines()
    {
        var doc = PolicyDocumentReader.Read("pasted-aup.txt", File.ReadAllBytes(FixturePath("pasted-aup.txt")));
        PolicyImport.DeclarationOf(doc).ShouldBe("I have read and understood the policy above and will follow it.");
    }

    [Fact]
    public async Task The_cli_dry_run_saves_nothing_and_a_real_import_makes_a_draft_with_the_metadata()
    {
        await db.MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        var file = FixturePath("pasted-aup.txt");
        (await SafeUseCli.RunAsync(["policy", "import", file, "--dry-run", "--json"])).ShouldBe(0);
        (await SafeUseCli.RunAsync(["policy", "import", file, "--school", "100001", "--data-dir", db.DataDirectory])).ShouldBe(0);
        (await SafeUseCli.RunAsync(["policy", "import", file, "--school", "Nowhere", "--data-dir", db.DataDirectory])).ShouldBe(2);
        var bad = Path.Combine(db.DataDirectory, "locked.docx");
        await File.WriteAllBytesAsync(bad, [0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]);
        (await SafeUseCli.RunAsync(["policy", "import", bad, "--data-dir", db.DataDirectory])).ShouldBe(2);

        await using var check = db.Context();
        var policy = await check.Policies.Include(p => p.Schools).Include(p => p.Links).SingleAsync();
        policy.Title.ShouldBe("Online Safety and Acceptable Use Policy for Staff");
        policy.NextReviewText.ShouldBe("September 2026");
        policy.NextReviewOn.ShouldBe(new DateOnly(2026, 9, 1));
        policy.Schools.Single().SchoolId.ShouldBe(await check.Schools.Where(s => s.Urn == "100001").Select(s => s.Id).SingleAsync());
        policy.Links.Select(l => l.Title).ShouldBe(["Safeguarding Policy", "Data Protection Policy", "Behaviour Policy"]);
        var draft = await check.PolicyVersions.SingleAsync();
        draft.Status.ShouldBe(VersionStatus.Draft);
        draft.Markdown.ShouldContain("### 2.1 Logging On");
        draft.Markdown.ShouldNotContain("Name (printed)");
        draft.Declaration.ShouldBe("I have read and understood the policy above and will follow it.");
        (await check.AuditEvents.CountAsync(e => e.Action == "policy.created" && e.Summary.Contains("from pasted-aup.txt"))).ShouldBe(1);
    }

    [Fact]
    public async Task The_web_import_previews_before_saving_and_explains_a_file_it_cannot_read()
    {
        await using var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Lee", "Lead", (Role.OnlineSafetyLead, null));
        }

        var browser = app.Browse();
        await browser.SignInAsync("lee.lead@test.sch.uk", Seed.Password);
        var form = await browser.GetAsync("/policies/new");
        var refused = await browser.SubmitAsync(form, new Dictionary<string, string>(), "main form[enctype]", new Dictionary<string, (string, byte[])> { ["Upload"] = ("locked.docx", [0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3, 4]) });
        refused.Errors.ShouldContain(e => e.Contains("locked.docx: the file is password-protected"));

        var details = await browser.SubmitAsync(form, new Dictionary<string, string>(), "main form[enctype]", new Dictionary<string, (string, byte[])> { ["Upload"] = ("policy.docx", PolicyDocumentReaderTests.Docx()) });
        details.Document.QuerySelector("#imported")!.TextContent.ShouldContain("1 section, 2 clauses, 1 table");
        details.Document.QuerySelector("#Policy_Title")!.GetAttribute("value").ShouldBe("Oakfield Staff AUP");
        var text = await browser.SubmitAsync(details, new Dictionary<string, string>(), "main form:not([enctype])");
        text.Document.QuerySelector("#preview")!.TextContent.ShouldContain("Never forward pupil data to a personal account.");
        await using (var ctx = db.Context())
        {
            (await ctx.Policies.CountAsync()).ShouldBe(0);
        }

        var review = await browser.SubmitAsync(text, new Dictionary<string, string>(), "main form:not([enctype])");
        var reminders = await browser.SubmitAsync(review, new Dictionary<string, string>(), "main form");
        var check = await browser.SubmitAsync(reminders, new Dictionary<string, string>(), "main form");
        check.Heading.ShouldBe("Check your answers before creating the policy", customMessage: string.Join(" / ", check.Errors));
        await using (var ctx = db.Context())
        {
            (await ctx.Policies.CountAsync()).ShouldBe(0);
        }

        var saved = await browser.SubmitAsync(check, new Dictionary<string, string>(), "main form");
        saved.Heading.ShouldBe("Oakfield Staff AUP", customMessage: string.Join(" / ", saved.Errors));
        await using var stored = db.Context();
        (await stored.Policies.SingleAsync()).OwnerRole.ShouldBe(Role.OnlineSafetyLead);
        (await stored.PolicyVersions.SingleAsync()).Markdown.ShouldContain("- Use school email for school business.\n  - Never forward pupil data to a personal account.");
    }
}
