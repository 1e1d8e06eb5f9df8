using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>
/// "Add a policy" in steps with check-your-answers, GOV.UK date inputs, errors all at once in form order, the
/// reminder schedule as a form and in words, and publishing that says how many will be asked before it asks them.
/// </summary>
public sealed class PolicyFormTests
{
    private const string PolicyText = "## 1 Scope\n\n- This policy applies to all staff.\n\n## 2 Passwords\n\n- Use a long passphrase.\n  - Three random words work well.\n";

    private static Dictionary<string, string> Fields(params (string Name, string Value)[] fields) => fields.ToDictionary(f => f.Name, f => f.Value);

    private static IReadOnlyList<string> Summary(Browser.Page page) =>
        page.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(li => li.TextContent.Trim()).ToList();

    private static IReadOnlyList<string> SummaryLinks(Browser.Page page) =>
        page.Document.QuerySelectorAll(".govuk-error-summary__list a").Select(a => a.GetAttribute("href")!).ToList();

    private static async Task<(SignOffWorld World, AppFactory App)> WorldAsync(TestDatabase db)
    {
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        return (world, app);
    }

    /// <summary>Answers the four steps as the Head of Alder School would, and returns the check-your-answers page.</summary>
    private static async Task<Browser.Page> AnswerEveryStepAsync(Browser browser, SignOffWorld world, string title = "Alder Staff ICT Policy")
    {
        var details = await browser.GetAsync("/policies/new");
        var text = await browser.SubmitAsync(details, Fields(("Policy.Title", title), ("Policy.Scope", "Schools"), ("Policy.SchoolIds", world.A.Id.ToString()),
            ("Policy.AudienceTypes", "Temporary"), ("Policy.OwnerRole", nameof(Role.Dsl)), ("Policy.Originator", "Deputy Head")), "main form:not([enctype])");
        text.Heading.ShouldBe("The policy's text", customMessage: string.Join(" / ", text.Errors));
        var review = await browser.SubmitAsync(text, Fields(("Text", PolicyText), ("Declaration", "I will follow this policy.")), "main form:not([enctype])");
        review.Heading.ShouldBe("Approval and review", customMessage: string.Join(" / ", review.Errors));
        var reminders = await browser.SubmitAsync(review, Fields(("Policy.ApprovalBody", "Local Governing Committee"),
            ("Policy.Approved.Kind", "date"), ("Policy.Approved.Day", "14"), ("Policy.Approved.Month", "7"), ("Policy.Approved.Year", "2025"),
            ("Policy.Adopted.Kind", "date"), ("Policy.Adopted.Month", "Sept"), ("Policy.Adopted.Year", "2025"),
            ("Policy.NextReview.Kind", "term"), ("Policy.NextReview.Term", "Summer"), ("Policy.NextReview.TermYear", "2027"),
            ("Policy.ReviewCycleMonths", "24")), "main form");
        reminders.Heading.ShouldBe("Signing and reminders", customMessage: string.Join(" / ", reminders.Errors));
        var check = await browser.SubmitAsync(reminders, Fields(("Policy.SignWithinDays", "10"),
            ("Policy.Reminders[0].Days", "3"), ("Policy.Reminders[0].When", "before-due"), ("Policy.Reminders[0].Recipient", "Person"),
            ("Policy.Reminders[1].Days", "7"), ("Policy.Reminders[1].When", "after-due"), ("Policy.Reminders[1].Recipient", "LineManager"),
            ("Policy.Reminders[2].Days", ""), ("Policy.Reminders[3].Days", ""),
            ("Policy.Reconfirm.Day", "1"), ("Policy.Reconfirm.Month", "9")), "main form");
        check.Heading.ShouldBe("Check your answers before creating the policy", customMessage: string.Join(" / ", check.Errors));
        return check;
    }

    private static string DraftKeyOf(Browser.Page page) => new Uri(page.Url).Segments[3].TrimEnd('/');

    [Theory, BothDatabases]
    internal async Task The_steps_and_check_your_answers_create_exactly_one_policy_with_the_answers_given(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync(world.Head.Email!, Seed.Password);

        var check = await AnswerEveryStepAsync(browser, world);
        string Answer(string list, string key) => check.Document.QuerySelectorAll($"#{list} .govuk-summary-list__row")
            .Single(r => r.QuerySelector("dt")!.TextContent.Trim() == key).QuerySelector(".govuk-summary-list__value")!.TextContent.Trim();
        Answer("answers-details", "Title").ShouldBe("Alder Staff ICT Policy");
        Answer("answers-details", "Who it applies to").ShouldBe("Alder School");
        Answer("answers-details", "Who must sign").ShouldBe("All staff (temporary)");
        Answer("answers-details", "Owner").ShouldBe("Designated Safeguarding Lead");
        Answer("answers-text", "Text").ShouldBe("2 sections, 3 clauses, 0 tables");
        Answer("answers-review", "Date approved").ShouldBe("14 July 2025");
        Answer("answers-review", "Date adopted or issued").ShouldBe("September 2025");
        Answer("answers-review", "Next review").ShouldBe("Summer Term 2027");
        Answer("answers-review", "Review cycle").ShouldBe("Every 24 months");
        check.Document.QuerySelectorAll("#answers-reminders li").Select(li => li.TextContent.Trim()).ShouldBe(
            ["3 days before the due date: a reminder to the member of staff", "7 days after the due date: a reminder to their line manager (or the Head, if they have none)"]);
        Answer("answers-reminders", "Re-confirmed every year").ShouldBe("On 1 September");
        check.Document.QuerySelectorAll("#answers-details a").Select(a => a.TextContent.Trim()).ShouldAllBe(t => t.StartsWith("Change", StringComparison.Ordinal));
        await using (var ctx = db.Context())
        {
            (await ctx.Policies.CountAsync()).ShouldBe(0);
        }

        var created = await browser.SubmitAsync(check, Fields(), "main form");
        created.Heading.ShouldBe("Alder Staff ICT Policy");
        var again = await browser.SubmitAsync(check, Fields(), "main form");
        again.Url.ShouldEndWith("/policies");
        again.Text.ShouldContain("had already been created");

        await using var stored = db.Context();
        var policy = await stored.Policies.Include(p => p.Schools).Include(p => p.Audience).SingleAsync();
        policy.Scope.ShouldBe(PolicyScope.Schools);
        policy.Schools.Single().SchoolId.ShouldBe(world.A.Id);
        policy.Audience.Select(a => (a.Kind, a.Value)).ShouldBe([(AudienceKind.EmploymentType, "Temporary")]);
        policy.OwnerRole.ShouldBe(Role.Dsl);
        policy.Originator.ShouldBe("Deputy Head");
        policy.ApprovalBody.ShouldBe("Local Governing Committee");
        (policy.ApprovedText, policy.ApprovedOn).ShouldBe(("14 July 2025", new DateOnly(2025, 7, 14)));
        (policy.AdoptedText, policy.AdoptedOn).ShouldBe(("September 2025", new DateOnly(2025, 9, 1)));
        (policy.NextReviewText, policy.NextReviewOn).ShouldBe(("Summer Term 2027", new DateOnly(2027, 4, 15)));
        policy.ReviewCycleMonths.ShouldBe(24);
        policy.SignWithinDays.ShouldBe(10);
        policy.ReminderSchedule.ShouldBe("due-3:person, due+7:line-manager");
        (policy.ReconfirmText, policy.ReconfirmMonthDay).ShouldBe(("1 September", 901));
        var draft = await stored.PolicyVersions.SingleAsync();
        (draft.Number, draft.Status, draft.Markdown, draft.Declaration).ShouldBe(("1.0", VersionStatus.Draft, PolicyText, "I will follow this policy."));
        (await stored.AuditEvents.CountAsync(e => e.Action == "policy.created")).ShouldBe(1);
        (await stored.Set<PolicyFormDraft>().CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_change_link_opens_its_step_with_the_answer_and_returns_to_check_your_answers(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync(world.Head.Email!, Seed.Password);
        var check = await AnswerEveryStepAsync(browser, world);

        var href = check.Document.QuerySelectorAll("#answers-review a").Single(a => a.TextContent.Contains("next review", StringComparison.Ordinal)).GetAttribute("href")!;
        href.ShouldEndWith("/review#Policy_NextReview_Kind");
        var review = await browser.GetAsync(href);
        review.Heading.ShouldBe("Approval and review");
        review.Document.QuerySelector<IHtmlInputElement>("#Policy_NextReview_Kind_Term")!.IsChecked.ShouldBeTrue();
        review.Document.QuerySelector<IHtmlSelectElement>("#Policy_NextReview_Term")!.Value.ShouldBe("Summer");
        review.Document.QuerySelector<IHtmlInputElement>("#Policy_NextReview_TermYear")!.Value.ShouldBe("2027");
        review.Document.QuerySelector<IHtmlInputElement>("#Policy_Approved_Day")!.Value.ShouldBe("14");

        var back = await browser.SubmitAsync(review, Fields(("Policy.NextReview.Kind", "date"), ("Policy.NextReview.Day", "1"), ("Policy.NextReview.Month", "3"), ("Policy.NextReview.Year", "2027")), "main form");
        back.Heading.ShouldBe("Check your answers before creating the policy");
        back.Document.QuerySelector("#answers-review")!.TextContent.ShouldContain("1 March 2027");
        back.Document.QuerySelector("#answers-details")!.TextContent.ShouldContain("Alder Staff ICT Policy");
    }

    [Theory, BothDatabases]
    internal async Task Skipping_a_step_someone_else_s_answers_and_a_missing_form_token_create_nothing(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var head = app.Browse();
        await head.SignInAsync(world.Head.Email!, Seed.Password);
        var details = await head.GetAsync("/policies/new");
        var text = await head.SubmitAsync(details, Fields(("Policy.Title", "Half done"), ("Policy.Scope", "Schools"), ("Policy.SchoolIds", world.A.Id.ToString())), "main form:not([enctype])");
        var key = DraftKeyOf(text);

        // Straight to check-your-answers, or a later step, after the first: back to the first step not answered.
        (await head.GetAsync($"/policies/new/{key}/check")).Heading.ShouldBe("The policy's text");
        (await head.GetAsync($"/policies/new/{key}/reminders")).Heading.ShouldBe("The policy's text");
        var forged = text.Document.QuerySelector<IHtmlFormElement>("main form:not([enctype])")!;
        forged.Action = $"/policies/new/{key}/check";
        var skipped = await head.SubmitAsync(text, Fields(("Text", PolicyText)), "main form:not([enctype])");
        skipped.Heading.ShouldBe("The policy's text");

        // Another manager with the key: the same answer as a key that does not exist, and nothing of the Head's shown.
        var lead = app.Browse();
        await lead.SignInAsync(world.Lead.Email!, Seed.Password);
        var theirs = await lead.GetAsync($"/policies/new/{key}/text");
        theirs.Heading.ShouldBe("About the policy");
        theirs.Document.QuerySelector("#not-found").ShouldNotBeNull();
        theirs.Html.ShouldNotContain("Half done");
        var leadForm = await lead.GetAsync("/policies/new");
        leadForm.Document.QuerySelector<IHtmlFormElement>("main form:not([enctype])")!.Action = $"/policies/new/{key}/text";
        (await lead.SubmitAsync(leadForm, Fields(("Text", "Taken over")), "main form:not([enctype])")).Heading.ShouldBe("About the policy");

        // Without the antiforgery token the step is refused before anything is read.
        var noToken = await head.Client.PostAsync($"/policies/new/{key}/text", new FormUrlEncodedContent(Fields(("Text", PolicyText), ("Declaration", "I agree."))));
        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        await using var ctx = db.Context();
        (await ctx.Policies.CountAsync()).ShouldBe(0);
        var kept = NewPolicyAnswers.FromJson((await ctx.Set<PolicyFormDraft>().SingleAsync()).Answers);
        kept.Text.ShouldBeNull();
        kept.Done.ShouldBe([SafeUse.Features.Policies.NewModel.Details]);
    }

    [Theory, BothDatabases]
    internal async Task A_school_outside_the_author_s_reach_is_refused_at_its_step_and_again_on_create(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync(world.Head.Email!, Seed.Password);

        var details = await browser.GetAsync("/policies/new");
        var refused = await browser.SubmitAsync(details, Fields(("Policy.Title", "Birch too"), ("Policy.Scope", "Schools"), ("Policy.SchoolIds", world.B.Id.ToString())), "main form:not([enctype])");
        Summary(refused).ShouldBe(["Choose at least one of your schools"]);
        var trustWide = await browser.SubmitAsync(details, Fields(("Policy.Title", "Everyone"), ("Policy.Scope", "Trust")), "main form:not([enctype])");
        Summary(trustWide).ShouldBe(["Only a trust-wide administrator, executive leader or online safety lead can add a trust-wide policy: choose your schools"]);

        // Answered while she was Head of Alder School; she moves to Birch School before she creates it.
        var check = await AnswerEveryStepAsync(browser, world);
        await using (var ctx = db.Context())
        {
            var role = await ctx.RoleAssignments.SingleAsync(r => r.PersonId == world.Head.Id && r.Role == Role.Head);
            role.SchoolId = world.B.Id;
            await ctx.SaveChangesAsync();
        }

        var created = await browser.SubmitAsync(check, Fields(), "main form");
        created.Heading.ShouldBe("Check your answers before creating the policy");
        Summary(created).ShouldBe(["Choose at least one of your schools"]);
        SummaryLinks(created).Single().ShouldEndWith("/details#Policy_SchoolIds");
        created.Document.Title!.ShouldStartWith("Error: ");
        await using var stored = db.Context();
        (await stored.Policies.CountAsync()).ShouldBe(0);
        (await stored.Set<PolicyFormDraft>().CountAsync()).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task Date_inputs_name_the_field_and_the_part_all_at_once_in_form_order(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var browser = app.Browse();
        await browser.SignInAsync(world.Head.Email!, Seed.Password);
        var details = await browser.GetAsync("/policies/new");
        var text = await browser.SubmitAsync(details, Fields(("Policy.Title", "Dates"), ("Policy.Scope", "Schools"), ("Policy.SchoolIds", world.A.Id.ToString())), "main form:not([enctype])");
        var review = await browser.SubmitAsync(text, Fields(("Text", PolicyText)), "main form:not([enctype])");

        var refused = await browser.SubmitAsync(review, Fields(
            ("Policy.Approved.Kind", "date"), ("Policy.Approved.Day", "31"), ("Policy.Approved.Month", "2"), ("Policy.Approved.Year", "2026"),
            ("Policy.Adopted.Kind", "date"), ("Policy.Adopted.Day", "1"), ("Policy.Adopted.Year", "2025"),
            ("Policy.LastReview.Kind", "date"), ("Policy.LastReview.Month", "9"), ("Policy.LastReview.Year", "25"),
            ("Policy.NextReview.Kind", "term"), ("Policy.NextReview.TermYear", "2027"),
            ("Policy.ReviewCycleMonths", "yearly")), "main form");
        Summary(refused).ShouldBe(
        [
            "Date approved must be a real date",
            "Date adopted or issued must include a month",
            "Last review year must include 4 numbers",
            "Next review must include a term",
            "Enter the review cycle as a whole number of months, like 12",
        ]);
        SummaryLinks(refused).ShouldBe(["#Policy_Approved_Day", "#Policy_Adopted_Month", "#Policy_LastReview_Year", "#Policy_NextReview_Term", "#Policy_ReviewCycleMonths"]);
        refused.Document.QuerySelector<IHtmlInputElement>("#Policy_Approved_Day")!.Value.ShouldBe("31");
        refused.Document.QuerySelector("#Policy_Adopted_Month")!.ClassList.ShouldContain("govuk-input--error");
        refused.Document.QuerySelector("#Policy_Adopted_Day")!.ClassList.ShouldNotContain("govuk-input--error");
        refused.Document.QuerySelectorAll("#Policy_Approved input.govuk-input--error").Length.ShouldBe(3);
        refused.Document.QuerySelector("#Policy_NextReview_Term")!.ClassList.ShouldContain("govuk-select--error");

        await using (var ctx = db.Context())
        {
            NewPolicyAnswers.FromJson((await ctx.Set<PolicyFormDraft>().SingleAsync()).Answers).Done.ShouldNotContain(SafeUse.Features.Policies.NewModel.Review);
        }

        // Both choices' boxes are on the page: a term typed with the radio left on "A date" is the term.
        var next = await browser.SubmitAsync(review, Fields(("Policy.NextReview.Kind", "date"), ("Policy.NextReview.Term", "Autumn"), ("Policy.NextReview.TermYear", "2026")), "main form");
        next.Heading.ShouldBe("Signing and reminders", customMessage: string.Join(" / ", next.Errors));
        await using var stored = db.Context();
        NewPolicyAnswers.FromJson((await stored.Set<PolicyFormDraft>().SingleAsync()).Answers).Policy.NextReview.Text.ShouldBe("Autumn Term 2026");
    }

    [Theory, BothDatabases]
    internal async Task The_version_page_reports_a_blank_number_and_31_february_together_and_publishes_nothing(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var (policyId, first) = await world.PolicyAsync();
        await world.PublishAsync(first);
        var draft = await world.DraftAsync(policyId, SignOffWorld.V2, "1.1");
        var browser = app.Browse();
        await browser.SignInAsync(world.Lead.Email!, Seed.Password);
        var page = await browser.GetAsync($"/policies/{policyId}/versions/{draft}");

        var refused = await browser.SubmitAsync(page, Fields(("Publish.Number", ""), ("Publish.ChangeSummary", ""),
            ("Publish.ApprovedOn.Day", "31"), ("Publish.ApprovedOn.Month", "2"), ("Publish.ApprovedOn.Year", "2026")), "form[action*='Publish']");
        Summary(refused).ShouldBe(["Enter a version number, like 2.0", "Summarise what changed, for the version history", "Date approved must be a real date"]);
        SummaryLinks(refused).ShouldBe(["#Publish_Number", "#Publish_ChangeSummary", "#Publish_ApprovedOn_Day"]);
        var taken = await browser.SubmitAsync(page, Fields(("Publish.Number", "1.0"), ("Publish.ChangeSummary", "Two-step sign-in"),
            ("Publish.ApprovedOn.Day", "3"), ("Publish.ApprovedOn.Year", "2026")), "form[action*='Publish']");
        Summary(taken).ShouldBe(["Version 1.0 already exists for this policy", "Date approved must include a month"]);

        await using var ctx = db.Context();
        (await ctx.PolicyVersions.SingleAsync(v => v.Id == draft)).Status.ShouldBe(VersionStatus.Draft);
    }

    [Theory, BothDatabases]
    internal async Task Publishing_says_how_many_the_audience_asks_and_emails_and_waits_for_confirmation(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        await using (var ctx = db.Context())
        {
            var ben = await ctx.People.SingleAsync(p => p.Id == world.Ben.Id);
            ben.Email = null;
            ben.EmailNormalized = null;
            (await ctx.People.SingleAsync(p => p.Id == world.Bella.Id)).IsLeaver = true;
            await ctx.SaveChangesAsync();
        }

        var (policyId, draft) = await world.PolicyAsync();
        int audience, withEmail;
        await using (var ctx = db.Context())
        {
            var policy = await ctx.Policies.Include(p => p.Schools).Include(p => p.Audience).SingleAsync(p => p.Id == policyId);
            var ids = await Audience.PersonIdsAsync(ctx, policy, CancellationToken.None);
            audience = ids.Count;
            withEmail = await ctx.People.CountAsync(p => ids.Contains(p.Id) && p.Email != null);
        }

        (audience, withEmail).ShouldBe((5, 4));
        var browser = app.Browse();
        await browser.SignInAsync(world.Lead.Email!, Seed.Password);
        var page = await browser.GetAsync($"/policies/{policyId}/versions/{draft}");
        var confirm = await browser.SubmitAsync(page, Fields(("Publish.Number", "1.0"), ("Publish.ApprovedBy", "Trust Board"),
            ("Publish.ApprovedOn.Day", "2"), ("Publish.ApprovedOn.Month", "3"), ("Publish.ApprovedOn.Year", "2026")), "form[action*='Publish']");
        confirm.Heading.ShouldBe("Publish version 1.0?");
        string.Join(' ', confirm.Document.QuerySelector("#publish-count")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .ShouldBe("Warning Publishing version 1.0 asks 5 people to sign; 4 will be emailed (1 has no work email).");
        confirm.Text.ShouldContain("2 Mar 2026");
        await using (var ctx = db.Context())
        {
            (await ctx.SignOffRequests.CountAsync()).ShouldBe(0);
            (await ctx.PolicyVersions.SingleAsync()).Status.ShouldBe(VersionStatus.Draft);
        }

        confirm.Document.QuerySelector<IHtmlFormElement>("main form")!.Action = confirm.Url.Split('?')[0] + "?handler=Change";
        var back = await browser.SubmitAsync(confirm, Fields(), "main form");
        back.Heading.ShouldBe("Draft 1.0");
        back.Document.QuerySelector<IHtmlInputElement>("#Publish_ApprovedBy")!.Value.ShouldBe("Trust Board");
        back.Document.QuerySelector<IHtmlInputElement>("#Publish_ApprovedOn_Month")!.Value.ShouldBe("3");
    }

    [Theory, BothDatabases]
    internal async Task Confirming_publishes_to_exactly_the_people_and_emails_it_counted(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        await using (var ctx = db.Context())
        {
            var ben = await ctx.People.SingleAsync(p => p.Id == world.Ben.Id);
            (ben.Email, ben.EmailNormalized) = (null, null);
            await ctx.SaveChangesAsync();
        }

        var (policyId, draft) = await world.PolicyAsync(scope: PolicyScope.Schools, only: world.A);
        var browser = app.Browse();
        await browser.SignInAsync(world.Lead.Email!, Seed.Password);
        var confirm = await browser.SubmitAsync(await browser.GetAsync($"/policies/{policyId}/versions/{draft}"), Fields(("Publish.Number", "1.0")), "form[action*='Publish']");
        var words = confirm.Document.QuerySelector("#publish-count")!.TextContent;
        words.ShouldContain("asks 5 people to sign; 4 will be emailed (1 has no work email)");
        var published = await browser.SubmitAsync(confirm, Fields(), "main form");
        published.Heading.ShouldBe("Staff Acceptable Use Policy");
        published.Text.ShouldContain("Published version 1.0. 5 people have been asked to sign; 4 emailed.");
        await using (var ctx = db.Context())
        {
            (await ctx.SignOffRequests.CountAsync(r => r.PolicyId == policyId && r.Status == RequestStatus.Outstanding)).ShouldBe(5);
            (await ctx.Outbox.CountAsync(e => e.Subject.StartsWith("Please read and sign"))).ShouldBe(4);
        }

        // Ann signs; an editorial 1.1 asks the four who have not, and says why Ann is left out.
        await using (var ctx = db.Context())
        {
            var version = await ctx.PolicyVersions.SingleAsync(v => v.Id == draft);
            var result = await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(version.Id, true, world.Ann.FullName, null, null), new SafeUse.Platform.Audit.Actor(world.Ann.Id, world.Ann.FullName), CancellationToken.None);
            result.Outcome.ShouldBe(SignOutcome.Signed);
        }

        var next = await world.DraftAsync(policyId, SignOffWorld.V2, "1.1");
        var editorial = await browser.SubmitAsync(await browser.GetAsync($"/policies/{policyId}/versions/{next}"),
            Fields(("Publish.Number", "1.1"), ("Publish.Kind", "Editorial"), ("Publish.ChangeSummary", "Wording")), "form[action*='Publish']");
        editorial.Document.QuerySelector("#publish-count")!.TextContent.ShouldContain("asks 4 people to sign; 3 will be emailed (1 has no work email)");
        editorial.Text.ShouldContain("the 1 person who has signed the version in force is not asked again");
    }

    [Theory, BothDatabases]
    internal async Task The_reminder_schedule_form_refuses_bad_days_and_repeated_steps_and_the_policy_page_says_it_in_words(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var (policyId, _) = await world.PolicyAsync();
        var browser = app.Browse();
        await browser.SignInAsync(world.Lead.Email!, Seed.Password);
        var edit = await browser.GetAsync($"/policies/{policyId}/edit");
        edit.Document.QuerySelectorAll("legend").Select(l => l.TextContent.Trim()).Where(l => l.StartsWith("Step ", StringComparison.Ordinal))
            .ShouldBe(["Step 1", "Step 2", "Step 3", "Step 4", "Step 5"]);

        var refused = await browser.SubmitAsync(edit, Fields(("Policy.SignWithinDays", "0"),
            ("Policy.Reminders[0].Days", "seven"),
            ("Policy.Reminders[1].Days", "400"), ("Policy.Reminders[1].When", "after-request"),
            ("Policy.Reminders[2].Days", "3"), ("Policy.Reminders[2].When", "before-due"), ("Policy.Reminders[2].Recipient", "Person"),
            ("Policy.Reminders[3].Days", "3"), ("Policy.Reminders[3].When", "before-due"), ("Policy.Reminders[3].Recipient", "Person"),
            ("Policy.Reminders[4].Days", "2"), ("Policy.Reminders[4].When", "after-due"), ("Policy.Reminders[4].Recipient", "Dsl")), "main form");
        Summary(refused).ShouldBe(
        [
            "Staff must have between 1 and 365 days to sign",
            "Step 1: enter the number of days as a whole number, like 7",
            "Step 2: the days after they are asked must be between 1 and 365",
            "Step 4 is the same as step 3: change it, or empty its days to remove it",
            "Step 5: choose who the reminder goes to",
        ]);
        SummaryLinks(refused).ShouldBe(["#Policy_SignWithinDays", "#Policy_Reminders_0__Days", "#Policy_Reminders_1__Days", "#Policy_Reminders_3__Days", "#Policy_Reminders_4__Recipient"]);
        refused.Document.QuerySelector<IHtmlInputElement>("#Policy_Reminders_0__Days")!.Value.ShouldBe("seven");
        await using (var ctx = db.Context())
        {
            (await ctx.Policies.SingleAsync()).ReminderSchedule.ShouldBe(ReminderSchedule.Default);
        }

        // "Add another step" gives one more empty step, keeping what was typed and saving nothing.
        static int Steps(Browser.Page page) => page.Document.QuerySelectorAll("legend").Count(l => l.TextContent.Trim().StartsWith("Step ", StringComparison.Ordinal));
        refused.Document.QuerySelector<IHtmlFormElement>("main form")!.Action = $"/policies/{policyId}/edit?handler=AddStep";
        var more = await browser.SubmitAsync(refused, Fields(("Policy.Reminders[0].Days", "5")), "main form");
        Steps(more).ShouldBe(Steps(refused) + 1);
        more.Document.QuerySelector<IHtmlInputElement>("#Policy_Reminders_0__Days")!.Value.ShouldBe("5");
        more.Errors.ShouldBeEmpty();

        var saved = await browser.SubmitAsync(edit, Fields(("Policy.SignWithinDays", "14"),
            ("Policy.Reminders[0].Days", "3"), ("Policy.Reminders[0].When", "before-due"), ("Policy.Reminders[0].Recipient", "Person"),
            ("Policy.Reminders[1].Days", "7"), ("Policy.Reminders[1].When", "after-due"), ("Policy.Reminders[1].Recipient", "LineManager"),
            ("Policy.Reminders[2].Days", "0"), ("Policy.Reminders[2].When", "after-due"), ("Policy.Reminders[2].Recipient", "Head"),
            ("Policy.Reminders[3].Days", ""), ("Policy.Reminders[4].Days", "")), "main form");
        saved.Heading.ShouldBe("Staff Acceptable Use Policy", customMessage: string.Join(" / ", saved.Errors));
        saved.Document.QuerySelectorAll("#reminders li").Select(li => li.TextContent.Trim()).ShouldBe(
        [
            "3 days before the due date: a reminder to the member of staff",
            "7 days after the due date: a reminder to their line manager (or the Head, if they have none)",
            "On the due date: a reminder to the Head of their school (or the executive leader, if they are the Head)",
        ]);
        saved.Document.QuerySelector("#reminders")!.TextContent.ShouldContain("Staff have 14 days to sign.");
        await using var stored = db.Context();
        (await stored.Policies.SingleAsync()).ReminderSchedule.ShouldBe("due-3:person, due+7:line-manager, due:head");
    }

    [Theory, BothDatabases]
    internal async Task Policy_details_lines_on_the_signing_page_and_the_policy_page_are_a_summary_list(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var (world, app) = await WorldAsync(db);
        await using var _ = app;
        var text = "# Staff AUP\n\nOwner: Online Safety Lead\nApproved by: Board of Trustees\nReview cycle: 12 months\nEffective date: 1 September 2025\n\n" + SignOffWorld.V1;
        var (policyId, draft) = await world.PolicyAsync(text);
        await world.PublishAsync(draft);
        (string, string)[] expected = [("Owner", "Online Safety Lead"), ("Approved by", "Board of Trustees"), ("Review cycle", "12 months"), ("Effective date", "1 September 2025")];

        var ann = app.Browse();
        await ann.SignInAsync(world.Ann.Email!, Seed.Password);
        var sign = await ann.GetAsync($"/sign/{policyId}");
        sign.Document.QuerySelectorAll("#policy-text dl.govuk-summary-list .govuk-summary-list__row")
            .Select(r => (r.QuerySelector("dt")!.TextContent, r.QuerySelector("dd")!.TextContent)).ShouldBe(expected);
        sign.Document.QuerySelectorAll("#policy-text p").ShouldNotContain(p => p.TextContent.Contains("Owner:", StringComparison.Ordinal));

        var lead = app.Browse();
        await lead.SignInAsync(world.Lead.Email!, Seed.Password);
        var details = await lead.GetAsync($"/policies/{policyId}");
        details.Document.QuerySelectorAll("#current-text dl.govuk-summary-list .govuk-summary-list__row")
            .Select(r => (r.QuerySelector("dt")!.TextContent, r.QuerySelector("dd")!.TextContent)).ShouldBe(expected);
    }

    [Fact]
    public void Only_a_paragraph_of_label_lines_two_or_more_or_one_under_the_title_becomes_a_summary_list()
    {
        var html = SafeUse.Features.Policies.PolicyText.Render("Note: this is a sentence with a colon.\n\nSee the guide at\nhttps://example.org/guide for more.\n\nOwner: DSL\nIt continues as prose.\n").ToString()!;
        html.ShouldNotContain("<dl");
        var underTitle = SafeUse.Features.Policies.PolicyText.Render("# Staff AUP\n\nNext review: Summer Term 2027\n\n## 1 Scope\n\nNote: one line of prose.\n").ToString()!;
        underTitle.ShouldContain("<dt class=\"govuk-summary-list__key\">Next review</dt><dd class=\"govuk-summary-list__value\">Summer Term 2027</dd>");
        underTitle.ShouldContain("<p>Note: one line of prose.</p>");
        var list = SafeUse.Features.Policies.PolicyText.Render("Owner: <b>DSL</b>\nApproved by: [Board](javascript:alert(1))\n").ToString()!;
        list.ShouldContain("<dd class=\"govuk-summary-list__value\">&lt;b&gt;DSL&lt;/b&gt;</dd>");
        list.ShouldNotContain("href");
    }
}
