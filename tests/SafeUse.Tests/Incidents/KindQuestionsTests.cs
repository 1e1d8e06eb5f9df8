using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>A school chooses the questions each kind of report asks, and two administrators never overwrite each other.</summary>
public sealed class KindQuestionsTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Kind(string kind, string part) => $"Kinds[{ReportKinds.All.ToList().FindIndex(k => k.Code == kind)}].{part}";

    private static async Task<Browser> SignedInAsync(AppFactory app, string email)
    {
        var b = app.Browse();
        await b.SignInAsync(email, Seed.Password);
        return b;
    }

    [Theory, BothDatabases]
    internal async Task A_school_leaves_out_an_optional_question_adds_its_own_and_old_reports_keep_the_words_they_were_asked(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var admin = await SignedInAsync(app, w.Admin.Email!);

        var page = await admin.GetAsync($"/settings/reporting?school={Id(w.A.Id)}");
        page.Document.QuerySelector($"#kind-{ReportKinds.IllegalContent}")!.TextContent.ShouldContain("always: Where the material is now");
        page = await admin.SubmitAsync(page, new Dictionary<string, string>
        {
            [Kind(ReportKinds.AccidentalAccess, "Asked")] = "device",
            [Kind(ReportKinds.AccidentalAccess, "Questions")] = "Which class was using it? (required)\n\n  Was a pupil upset?  \n",
        }, "#kinds-form");
        page.Errors.ShouldBeEmpty();
        await using (var check = db.Context())
        {
            var stored = await check.ReportKindSettings.SingleAsync(s => s.SchoolId == w.A.Id && s.Kind == ReportKinds.AccidentalAccess);
            stored.Questions.ShouldBe("Which class was using it? (required)\nWas a pupil upset?");
            stored.Omitted.ShouldBe("address");
            (await check.AuditEvents.CountAsync(e => e.Action == "reporting.kinds-changed")).ShouldBe(1);
        }

        // The teacher's form asks the school's questions and not the one it left out; the required one must be answered.
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await teacher.SubmitAsync(await teacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.AccidentalAccess });
        form.Text.ShouldContain("Which class was using it?");
        form.Text.ShouldContain("Was a pupil upset? (optional)");
        form.Document.QuerySelector("[name='Answers[address]']").ShouldBeNull();
        var refused = await teacher.SubmitAsync(form, new Dictionary<string, string> { ["WhatHappened"] = "A pop-up advert for a gambling site." });
        refused.Errors.ShouldContain("Enter which class was using it?");
        var sent = await teacher.SubmitAsync(refused, new Dictionary<string, string> { ["Answers[own-1]"] = "8B", ["Answers[own-2]"] = "No" });
        sent.Errors.ShouldBeEmpty();

        // The school then rewrites its questions: the report already made still reads as it was asked.
        page = await admin.GetAsync($"/settings/reporting?school={Id(w.A.Id)}");
        page = await admin.SubmitAsync(page, new Dictionary<string, string> { [Kind(ReportKinds.AccidentalAccess, "Questions")] = "Which room?" }, "#kinds-form");
        page.Errors.ShouldBeEmpty();
        var incident = await db.Context().Incidents.SingleAsync();
        var digital = await SignedInAsync(app, w.Digital.Email!);
        var record = await digital.GetAsync($"/incidents/{Id(incident.Id)}");
        var summary = record.Document.QuerySelector("#incident-summary")!.TextContent;
        summary.ShouldContain("Which class was using it?");
        summary.ShouldContain("8B");
        summary.ShouldContain("Was a pupil upset?");
        summary.ShouldNotContain("Which room?");

        // The other school still asks SafeUse's questions.
        var birchTeacher = await SignedInAsync(app, w.BirchTeacher.Email!);
        var birch = await birchTeacher.SubmitAsync(await birchTeacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.AccidentalAccess });
        birch.Document.QuerySelector("[name='Answers[address]']").ShouldNotBeNull();
        birch.Text.ShouldNotContain("Which room?");
    }

    [Theory, BothDatabases]
    internal async Task Bad_questions_are_refused_with_what_is_wrong_and_nothing_is_saved(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var admin = await SignedInAsync(app, w.Admin.Email!);
        var page = await admin.GetAsync($"/settings/reporting?school={Id(w.A.Id)}");
        page = await admin.SubmitAsync(page, new Dictionary<string, string>
        {
            [Kind(ReportKinds.Misuse, "Questions")] = "One\nTwo\nThree\nFour\nFive\nSix",
            [Kind(ReportKinds.OffensiveMessage, "Questions")] = new string('x', 201),
            [Kind(ReportKinds.LostDevice, "Questions")] = "(required)",
            [Kind(ReportKinds.Other, "Questions")] = "Where?\nwhere?",
            [Kind(ReportKinds.DamagedDevice, "Asked")] = "device",
            [Kind(ReportKinds.FilteringFailure, "Name")] = "Filtering problem",
        }, "#kinds-form");
        page.Errors.ShouldContain("\"Suspected misuse of ICT by someone else\" can have at most 5 questions of your own (one per line): it has 6");
        page.Errors.ShouldContain("Question 1 for \"An offensive, threatening or bullying message\" must be 200 characters or fewer");
        page.Errors.ShouldContain("Question 1 for \"Lost or stolen device\" is only \"(required)\": write the question before it");
        page.Errors.ShouldContain("Question 2 for \"Something else\" is the same as an earlier one: ask each only once");
        page.Errors.ShouldContain("Choose the questions for \"Damaged or faulty device\" from the list");
        (await db.Context().ReportKindSettings.CountAsync()).ShouldBe(0);
        // What the administrator typed is still there to correct.
        page.Document.QuerySelector($"textarea[name='{Kind(ReportKinds.Misuse, "Questions")}']")!.TextContent.ShouldContain("Six");
    }

    [Theory, BothDatabases]
    internal async Task Two_administrators_editing_at_once_the_second_save_is_refused_and_shows_the_first_ones_change(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var first = await SignedInAsync(app, w.Admin.Email!);
        var second = await SignedInAsync(app, w.Admin.Email!);
        var url = $"/settings/reporting?school={Id(w.A.Id)}";
        var firstPage = await first.GetAsync(url);
        var secondPage = await second.GetAsync(url);

        (await first.SubmitAsync(firstPage, new Dictionary<string, string> { ["Labels[online-safety-lead]"] = "Digital Lead" }, "#labels-form")).Errors.ShouldBeEmpty();
        var late = await second.SubmitAsync(secondPage, new Dictionary<string, string> { [Kind(ReportKinds.Other, "Name")] = "Anything else" }, "#kinds-form");
        late.Errors.ShouldContain(e => e.StartsWith("Someone else saved these settings after you opened this page", StringComparison.Ordinal));
        late.Document.QuerySelector("#Labels_online-safety-lead_")!.GetAttribute("value").ShouldBe("Digital Lead");
        (await db.Context().ReportKindSettings.CountAsync()).ShouldBe(0);

        // Made again on the page as it now is, the change is saved and the first administrator's name stays.
        var again = await second.SubmitAsync(late, new Dictionary<string, string> { [Kind(ReportKinds.Other, "Name")] = "Anything else" }, "#kinds-form");
        again.Errors.ShouldBeEmpty();
        await using var check = db.Context();
        (await check.ReportKindSettings.SingleAsync()).Name.ShouldBe("Anything else");
        (await check.RoleLabels.SingleAsync()).Label.ShouldBe("Digital Lead");
    }
}
