using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>Reporting and the incident record through the web pages, on both databases.</summary>
public sealed class IncidentTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private static async Task<Browser> SignedInAsync(AppFactory app, string email)
    {
        var b = app.Browse();
        await b.SignInAsync(email, Seed.Password);
        return b;
    }

    /// <summary>Chooses the kind on the first page, then fills in and sends the kind's own form.</summary>
    private static async Task<Browser.Page> ReportAsync(Browser b, string kind, Dictionary<string, string> fields)
    {
        var first = await b.GetAsync("/report");
        first.Status.ShouldBe(HttpStatusCode.OK);
        var form = await b.SubmitAsync(first, new Dictionary<string, string> { ["Kind"] = kind });
        return await b.SubmitAsync(form, fields);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Theory, BothDatabases]
    internal async Task A_lost_laptop_with_pupil_data_reaches_the_IT_lead_and_the_DPO_without_details_and_the_reporter_follows_its_status(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);

        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var sent = await ReportAsync(teacher, ReportKinds.LostDevice, new()
        {
            ["WhatHappened"] = "Left the Year 6 laptop on the train home.",
            ["Answers[device]"] = "LAP-0042",
            ["Answers[last-seen]"] = "Train, 17:10",
            ["Answers[held-personal-data]"] = "yes",
        });
        sent.Errors.ShouldBeEmpty();
        sent.Url.ShouldEndWith("/reports/mine");
        sent.Document.QuerySelector("#receipt")!.TextContent.ShouldContain("AS-2026-0001");
        sent.Document.QuerySelector("#my-reports")!.TextContent.ShouldContain("Received");

        await using (var check = db.Context())
        {
            var emails = await check.Outbox.ToListAsync();
            emails.Select(e => e.ToAddress).ShouldBe([w.ItLead.Email!, w.Dpo.Email!], ignoreOrder: true);
            emails.ShouldAllBe(e => e.Subject == "New report AS-2026-0001: Lost or stolen device" && e.Sensitive);
            emails.ShouldAllBe(e => !e.Body.Contains("LAP-0042") && !e.Body.Contains("train") && !e.Body.Contains("Tia") && e.Body.Contains("/incidents/"));
        }

        var it = await SignedInAsync(app, w.ItLead.Email!);
        var inbox = await it.GetAsync("/incidents");
        inbox.Document.QuerySelector("#inbox")!.TextContent.ShouldContain("AS-2026-0001");
        inbox.Document.QuerySelector("#inbox")!.TextContent.ShouldContain("Not acknowledged");
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        var page = await it.GetAsync($"/incidents/{id}");
        page.Text.ShouldContain("Left the Year 6 laptop on the train home.");
        page.Document.QuerySelector("#breach-clock")!.TextContent.ShouldContain("26 Nov 2026 09:00");
        page.Document.QuerySelector("#time-left")!.TextContent.ShouldBe("3 days left");
        page = await it.SubmitAsync(page, new Dictionary<string, string>(), "form[action*='handler=Acknowledge']");
        page.Status.ShouldBe(HttpStatusCode.OK, page.Url + page.Text[..Math.Min(2000, page.Text.Length)]);
        page.Document.QuerySelector("#status")!.TextContent.ShouldBe("Being looked at");
        (await teacher.GetAsync("/reports/mine")).Document.QuerySelector("#my-reports")!.TextContent.ShouldContain("Being looked at");

        // Two days and a half on, under 24 hours left: the DPO records the decision and closes it.
        time.Advance(TimeSpan.FromHours(60));
        var dpo = await SignedInAsync(app, w.Dpo.Email!);
        page = await dpo.GetAsync($"/incidents/{id}");
        page.Document.QuerySelector("#time-left")!.TextContent.ShouldBe("12 hours left");
        page.Document.QuerySelector("#time-left")!.ClassList.ShouldContain("incident-urgent__text");
        page = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["Text"] = "Encrypted with BitLocker: low risk, not reported to the ICO." }, "form[action*='handler=Decision']");
        var refused = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["Note"] = "" }, "form[action*='handler=Close']");
        refused.Errors.ShouldContain("Choose the outcome");
        page = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["Outcome"] = "no-further-action", ["Note"] = "Device wiped remotely." }, "form[action*='handler=Close']");
        page.Document.QuerySelector("#outcome")!.TextContent.ShouldBe("No further action");
        page.Document.QuerySelector("#entries")!.TextContent.ShouldContain("Encrypted with BitLocker");

        var mine = await (await SignedInAsync(app, w.Teacher.Email!)).GetAsync("/reports/mine");
        mine.Document.QuerySelector("#my-reports")!.TextContent.ShouldContain("Closed");
        mine.Text.ShouldNotContain("BitLocker");
        mine.Text.ShouldNotContain("wiped");
    }

    [Theory, BothDatabases]
    internal async Task A_concern_about_the_Head_reaches_the_chair_of_governors_and_the_DSL_never_the_Head_and_every_view_is_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);

        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var missing = await ReportAsync(teacher, ReportKinds.StaffConduct, new() { ["WhatHappened"] = "Shared a pupil's photo in a staff chat." });
        missing.Errors.ShouldContain("Choose the member of staff the concern is about");
        var sent = await ReportAsync(teacher, ReportKinds.StaffConduct, new() { ["WhatHappened"] = "Shared a pupil's photo in a staff chat.", ["SubjectId"] = Id(w.Head.Id) });
        sent.Errors.ShouldBeEmpty();

        await using (var check = db.Context())
        {
            (await check.Outbox.Select(e => e.ToAddress).ToListAsync()).ShouldBe([w.Chair.Email!, w.Dsl.Email!], ignoreOrder: true);
            (await check.Outbox.AllAsync(e => e.Subject.EndsWith("A restricted record"))).ShouldBeTrue();
        }

        var id = (await db.Context().Incidents.SingleAsync()).Id;
        foreach (var shut in new[] { w.Head, w.Dpo, w.Admin, w.ItLead, w.Digital, w.BirchHead, w.Manager })
        {
            var b = await SignedInAsync(app, shut.Email!);
            (await b.GetAsync($"/incidents/{id}")).Status.ShouldBe(HttpStatusCode.NotFound, shut.GivenName);
            (await b.GetAsync("/incidents?Status=all")).Text.ShouldNotContain("AS-2026-0001", customMessage: shut.GivenName);
        }

        var chair = await SignedInAsync(app, w.Chair.Email!);
        // A restricted record asks for a second factor; the chair has none yet, so sets one up first and comes back.
        (await chair.PassSecondFactorAsync(await chair.GetAsync($"/incidents/{id}"), w.Chair.Email!)).Document.QuerySelector("#subject")!.TextContent.ShouldBe("Hana Head");
        var dsl = await SignedInAsync(app, w.Dsl.Email!);
        var page = await dsl.GetAsync($"/incidents/{id}");
        page.Document.QuerySelector("#restricted-note").ShouldNotBeNull();

        // Allegations close with KCSIE's outcomes only.
        (await dsl.SubmitAsync(page, new Dictionary<string, string> { ["Outcome"] = "advice", ["Note"] = "x" }, "form[action*='handler=Close']")).Errors.ShouldContain("Choose the outcome");
        await using var audit = db.Context();
        (await audit.AuditEvents.CountAsync(e => e.Action == "incident.viewed" && e.EntityId == Id(id))).ShouldBe(2);
        (await audit.AuditEvents.Where(e => e.Action == "incident.viewed").Select(e => e.ActorPersonId).ToListAsync()).ShouldBe([w.Chair.Id, w.Dsl.Id], ignoreOrder: true);
    }

    [Theory, BothDatabases]
    internal async Task Reports_are_reachable_only_by_those_they_were_routed_to_never_by_id_from_another_school(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);

        var birch = await SignedInAsync(app, w.BirchTeacher.Email!);
        (await ReportAsync(birch, ReportKinds.FilteringFailure, new() { ["WhatHappened"] = "A gambling site loaded.", ["Answers[address]"] = "bet.example", ["Answers[direction]"] = "yes" }))
            .Errors.ShouldBeEmpty();
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        (await db.Context().Incidents.SingleAsync()).Reference.ShouldBe("BS-2026-0001");

        // Birch names nobody for online safety or IT: its Head (also its DSL) receives it.
        var birchHead = await SignedInAsync(app, w.BirchHead.Email!);
        (await birchHead.GetAsync($"/incidents/{id}")).Status.ShouldBe(HttpStatusCode.OK);
        foreach (var other in new[] { w.Head, w.Dsl, w.ItLead, w.Digital, w.Dpo, w.Admin, w.Teacher })
        {
            var b = await SignedInAsync(app, other.Email!);
            (await b.GetAsync($"/incidents/{id}")).Status.ShouldBe(HttpStatusCode.NotFound, other.GivenName);
            var forged = await b.Client.PostAsync($"/incidents/{id}?handler=Note", new FormUrlEncodedContent([new("Text", "forged")]));
            forged.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        }

        (await app.Browse().GetAsync($"/incidents/{id}")).Url.ShouldContain("/account/sign-in");
        (await db.Context().IncidentEntries.CountAsync(e => e.Text == "forged")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Bad_reports_get_every_error_at_once_and_write_nothing_and_script_is_shown_as_text(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);

        var empty = await ReportAsync(teacher, ReportKinds.IllegalContent, new() { ["WhatHappened"] = " " });
        empty.Document.QuerySelector("#illegal-warning")!.TextContent.ShouldContain("Do not open, copy, screenshot, forward or upload");
        empty.Errors.ShouldContain("Say what happened");
        empty.Errors.ShouldContain(e => e.StartsWith("Enter where the material is now"));
        empty.Errors.ShouldContain("Enter who secured it");
        empty.Errors.ShouldContain("Enter when it was secured");
        var oversized = await ReportAsync(teacher, ReportKinds.Other, new() { ["WhatHappened"] = new string('x', 10_001) });
        oversized.Errors.ShouldContain("What happened must be 10,000 characters or fewer");
        var future = await ReportAsync(teacher, ReportKinds.Other, new() { ["WhatHappened"] = "x", ["OccurredAt"] = "2027-01-01T10:00" });
        future.Errors.ShouldContain("When it happened must be in the past");
        var nonsense = await ReportAsync(teacher, ReportKinds.Other, new() { ["WhatHappened"] = "x", ["OccurredAt"] = "yesterday-ish" });
        nonsense.Errors.ShouldContain("When it happened must be a date and time, like 30/11/2026 14:05");
        (await db.Context().Incidents.CountAsync()).ShouldBe(0);
        (await db.Context().Outbox.CountAsync()).ShouldBe(0);

        const string script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        (await ReportAsync(teacher, ReportKinds.Misuse, new() { ["WhatHappened"] = script, ["ReportedBy"] = script, ["Answers[systems]"] = script })).Errors.ShouldBeEmpty();
        var digital = await SignedInAsync(app, w.Digital.Email!);
        var page = await digital.GetAsync($"/incidents/{(await db.Context().Incidents.SingleAsync()).Id}");
        page.Document.QuerySelectorAll("main script, main img").Length.ShouldBe(0);
        page.Text.ShouldContain(script);
        page = await digital.SubmitAsync(page, new Dictionary<string, string> { ["Text"] = script }, "form[action*='handler=Note']");
        page.Document.QuerySelectorAll("main script, main img").Length.ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Entries_cannot_be_changed_or_deleted_even_by_sql_and_a_correction_points_at_what_it_corrects(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await ReportAsync(teacher, ReportKinds.DamagedDevice, new() { ["WhatHappened"] = "Screen cracked.", ["Answers[device]"] = "TAB-7" })).Errors.ShouldBeEmpty();
        var incident = await db.Context().Incidents.SingleAsync();
        var it = await SignedInAsync(app, w.ItLead.Email!);
        var page = await it.GetAsync($"/incidents/{incident.Id}");
        var report = await db.Context().IncidentEntries.SingleAsync(e => e.Type == "report");
        page = await it.SubmitAsync(page, new Dictionary<string, string> { ["EntryId"] = Id(report.Id), ["Text"] = "It was TAB-8, not TAB-7." }, "form[action*='handler=Correct']");
        page.Text.ShouldContain("Screen cracked.");
        page.Text.ShouldContain("It was TAB-8, not TAB-7.");
        (await db.Context().IncidentEntries.SingleAsync(e => e.Type == "correction")).RefersToId.ShouldBe(report.Id);

        await using var ctx = db.Context();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE incident_entry SET text = 'tampered' WHERE id = {report.Id}"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"DELETE FROM incident_entry WHERE id = {report.Id}"));
        (await db.Context().IncidentEntries.SingleAsync(e => e.Id == report.Id)).Text.ShouldBe("Screen cracked.");
    }

    [Theory, BothDatabases]
    internal async Task Closing_needs_an_outcome_and_a_note_reopening_a_reason_and_actions_show_overdue(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await ReportAsync(teacher, ReportKinds.AccidentalAccess, new() { ["WhatHappened"] = "A pupil searched and saw a violent image." })).Errors.ShouldBeEmpty();
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        var digital = await SignedInAsync(app, w.Digital.Email!);
        var page = await digital.GetAsync($"/incidents/{id}");

        var noNote = await digital.SubmitAsync(page, new Dictionary<string, string> { ["Outcome"] = "advice", ["Note"] = " " }, "form[action*='handler=Close']");
        noNote.Errors.ShouldContain("Write a closing note: what was done and why it can close");
        var badAction = await digital.SubmitAsync(page, new Dictionary<string, string> { ["Text"] = "Block the search term", ["OwnerId"] = Id(w.Admin.Id), ["Due.Day"] = "31", ["Due.Month"] = "2", ["Due.Year"] = "2027" }, "form[action*='handler=Action']");
        badAction.Errors.ShouldContain(e => e.Contains("real date", StringComparison.OrdinalIgnoreCase) || e.Contains("must be a real", StringComparison.OrdinalIgnoreCase));
        var action = await digital.SubmitAsync(page, new Dictionary<string, string> { ["Text"] = "Block the search term", ["OwnerId"] = Id(w.Dsl.Id), ["Due.Day"] = "24", ["Due.Month"] = "11", ["Due.Year"] = "2026" }, "form[action*='handler=Action']");
        action.Errors.ShouldBeEmpty();

        time.Advance(TimeSpan.FromDays(2));
        digital = await SignedInAsync(app, w.Digital.Email!);
        var inbox = await digital.GetAsync("/incidents");
        inbox.Document.QuerySelector("#inbox")!.TextContent.ShouldContain("1 overdue action");
        var dsl = await SignedInAsync(app, w.Dsl.Email!);
        (await dsl.GetAsync("/incidents?Assigned=me")).Document.QuerySelector("#inbox")!.TextContent.ShouldContain("AS-2026-0001");
        (await digital.GetAsync("/incidents?Status=bogus")).Errors.ShouldContain("Status must be open, closed or all");

        page = await digital.SubmitAsync(await digital.GetAsync($"/incidents/{id}"), new Dictionary<string, string> { ["Outcome"] = "filter-changed", ["Note"] = "Term added to the filter." }, "form[action*='handler=Close']");
        page.Document.QuerySelector("#outcome")!.TextContent.ShouldBe("Filter or setting changed");
        (await digital.SubmitAsync(page, new Dictionary<string, string> { ["Reason"] = "" }, "form[action*='handler=Reopen']")).Errors.ShouldContain("Say why it is being reopened");
        page = await digital.SubmitAsync(page, new Dictionary<string, string> { ["Reason"] = "It happened again." }, "form[action*='handler=Reopen']");
        page.Document.QuerySelector("#status")!.TextContent.ShouldBe("Being looked at");
        (await db.Context().IncidentEntries.Where(e => e.IncidentId == id).Select(e => e.Type).ToListAsync())
            .ShouldBe(["report", "email", "action", "closed", "reopened"], ignoreOrder: true);
    }

    [Theory, BothDatabases]
    internal async Task An_unacknowledged_report_passes_to_the_next_step_after_the_schools_hours_and_not_once_acknowledged(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using (var ctx = db.Context())
        {
            var setting = IncidentService.Default(w.A.Id, ReportKinds.Find(ReportKinds.OffensiveMessage)!);
            setting.AcknowledgeHours = 2;
            ctx.ReportKindSettings.Add(setting);
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, time, NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await ReportAsync(teacher, ReportKinds.OffensiveMessage, new() { ["WhatHappened"] = "Threats in the class chat.", ["Answers[channel]"] = "Teams" })).Errors.ShouldBeEmpty();
        (await ReportAsync(teacher, ReportKinds.OffensiveMessage, new() { ["WhatHappened"] = "More threats.", ["Answers[channel]"] = "Email" })).Errors.ShouldBeEmpty();
        var ids = await db.Context().Incidents.OrderBy(i => i.Id).Select(i => i.Id).ToListAsync();
        (await db.Context().Outbox.Select(e => e.ToAddress).ToListAsync()).ShouldBe([w.Dsl.Email!, w.Dsl.Email!]);
        var digital = await SignedInAsync(app, w.Digital.Email!);
        (await digital.GetAsync($"/incidents/{ids[0]}")).Status.ShouldBe(HttpStatusCode.NotFound);

        var dsl = await SignedInAsync(app, w.Dsl.Email!);
        await dsl.SubmitAsync(await dsl.GetAsync($"/incidents/{ids[1]}"), new Dictionary<string, string>(), "form[action*='handler=Acknowledge']");

        time.Advance(TimeSpan.FromHours(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<IncidentService>().EscalateAsync(CancellationToken.None)).ShouldBe(0);
        }

        time.Advance(TimeSpan.FromHours(1.5));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<IncidentService>().EscalateAsync(CancellationToken.None)).ShouldBe(1);
            (await scope.ServiceProvider.GetRequiredService<IncidentService>().EscalateAsync(CancellationToken.None)).ShouldBe(0);
        }

        (await db.Context().Outbox.CountAsync(e => e.ToAddress == w.Digital.Email)).ShouldBe(1);
        (await digital.GetAsync($"/incidents/{ids[0]}")).Status.ShouldBe(HttpStatusCode.OK);
        (await digital.GetAsync($"/incidents/{ids[1]}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, BothDatabases]
    internal async Task References_count_per_school_and_year_and_parallel_reports_each_get_their_own(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime();
        await using var app = new AppFactory(db, time, NoScheduler);
        var teachers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SignedInAsync(app, w.Teacher.Email!)));
        var forms = await Task.WhenAll(teachers.Select(async t => (t, await t.SubmitAsync(await t.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.Other }))));
        var sent = await Task.WhenAll(forms.Select(f => f.t.SubmitAsync(f.Item2, new Dictionary<string, string> { ["WhatHappened"] = "Parallel" })));
        sent.ShouldAllBe(p => p.Errors.Count == 0);
        (await db.Context().Incidents.OrderBy(i => i.Number).Select(i => i.Reference).ToListAsync())
            .ShouldBe(Enumerable.Range(1, 6).Select(n => $"AS-2026-{n:0000}").ToList());

        time.Advance(TimeSpan.FromDays(40));
        (await ReportAsync(await SignedInAsync(app, w.Teacher.Email!), ReportKinds.Other, new() { ["WhatHappened"] = "New year" })).Document.QuerySelector("#receipt")!.TextContent.ShouldContain("AS-2027-0001");
    }
}
