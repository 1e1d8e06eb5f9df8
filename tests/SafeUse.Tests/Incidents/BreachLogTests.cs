using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>The breach record and log, allegations' LADO clock and classification, police referrals: through the pages, on both databases.</summary>
public sealed class BreachLogTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private static async Task<Browser> SignedInAsync(AppFactory app, Person person)
    {
        var b = app.Browse();
        await b.SignInAsync(person.Email!, Seed.Password);
        return b;
    }

    /// <summary>A report made through the service, as the report form makes it (the form itself is tested in IncidentTests).</summary>
    internal static async Task<Incident> ReportAsync(AppFactory app, Person reporter, long schoolId, string kind, long? subjectId = null, Dictionary<string, string?>? answers = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<IncidentService>();
        return await service.ReportAsync(new ReportInput(schoolId, kind, "What happened, in the reporter's words.", null, subjectId, null, answers ?? []),
            new Actor(reporter.Id, reporter.FullName), CancellationToken.None);
    }

    private static Dictionary<string, string?> BreachAnswers => new() { ["aware-at"] = "2026-11-23 08:00", ["data"] = "Year 6 names and reading ages" };

    private static Dictionary<string, string> ValidBreach => new()
    {
        ["Breach.WhatHappened"] = "A spreadsheet of Year 6 reading ages was emailed to a parent by mistake.",
        ["Breach.Categories"] = "Pupils: names and reading ages",
        ["Breach.People"] = "30",
        ["Breach.Records"] = "30",
        ["Breach.Consequences"] = "Low: no sensitive data, one recipient who has deleted it.",
        ["Breach.Measures"] = "Recipient confirmed deletion in writing; autocomplete turned off.",
        ["Breach.Reported"] = "no",
        ["Breach.Reasons"] = "Unlikely to result in a risk to the pupils' rights and freedoms.",
        ["Breach.IcoReference"] = "",
        ["Breach.IcoReportedAt"] = "",
        ["Breach.PeopleTold"] = "no",
        ["Breach.WhyNotTold"] = "No high risk to them.",
    };

    [Theory, BothDatabases]
    internal async Task The_breach_record_shows_every_error_at_once_and_the_latest_entry_is_the_current_assessment(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var incident = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.DataBreach, answers: BreachAnswers);

        var dpo = await SignedInAsync(app, w.Dpo);
        var page = await dpo.GetAsync($"/incidents/{incident.Id}");
        page.Document.QuerySelector("#breach-record-missing").ShouldNotBeNull();
        var bad = await dpo.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Breach.WhatHappened"] = new string('x', 10_001), ["Breach.People"] = "-3", ["Breach.Records"] = "lots",
            ["Breach.Reported"] = "yes", ["Breach.IcoReportedAt"] = "soon", ["Breach.PeopleTold"] = "no",
        }, "#breach-form");
        bad.Errors.ShouldContain("It must be 10,000 characters or fewer");
        bad.Errors.ShouldContain("Say which categories of people and personal data are affected");
        bad.Errors.ShouldContain("The number of people affected must be a whole number, 0 or more, like 30");
        bad.Errors.ShouldContain("The number of records affected must be a whole number, 0 or more, like 30");
        bad.Errors.ShouldContain("Say what the likely consequences are");
        bad.Errors.ShouldContain("Say what has been done or will be done about it");
        bad.Errors.ShouldContain("Give the reasons it was reported to the ICO");
        bad.Errors.ShouldContain("Enter the ICO's reference");
        bad.Errors.ShouldContain("When it was reported to the ICO must be a date and time, like 2026-11-30 14:05");
        bad.Errors.ShouldContain("Say why the people affected were not told");
        bad.Document.QuerySelector("#breach_People")!.GetAttribute("value").ShouldBe("-3");
        var notReported = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["Breach.Reported"] = "no" }, "#breach-form");
        notReported.Errors.ShouldContain("Give the reasons for the decision, reported or not");
        notReported.Errors.ShouldContain("Say whether the people affected were told");
        notReported.Errors.ShouldNotContain("Enter the ICO's reference");
        (await db.Context().IncidentEntries.CountAsync(e => e.Type == EntryTypes.Breach)).ShouldBe(0);

        page = await dpo.SubmitAsync(page, ValidBreach, "#breach-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector("#breach-reported")!.TextContent.ShouldBe("No");
        page.Document.QuerySelector("#breach-people")!.TextContent.ShouldBe("30");
        page.Document.QuerySelector("#breach-told")!.TextContent.ShouldBe("No: No high risk to them.");

        // Reassessed: reported after all. The form starts from the current assessment.
        page = await dpo.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Breach.Reported"] = "yes", ["Breach.Reasons"] = "A second recipient came to light.", ["Breach.IcoReference"] = "IC-123456-A1B2",
            ["Breach.IcoReportedAt"] = "2026-11-23 08:45", ["Breach.PeopleTold"] = "yes", ["Breach.People"] = "31",
        }, "#breach-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector("#breach-reported")!.TextContent.ShouldBe("Yes, reference IC-123456-A1B2, 23 Nov 2026 08:45");
        page.Document.QuerySelector("#breach-people")!.TextContent.ShouldBe("31");
        page.Document.QuerySelector("#breach-told")!.TextContent.ShouldBe("Yes");
        page.Document.QuerySelectorAll("#entries li").Count(li => li.TextContent.Contains("Breach record")).ShouldBe(2);
        page.Document.QuerySelector("#entries")!.TextContent.ShouldContain("emailed to a parent by mistake");

        // The school knew the evening before: the clock runs from then, and the record keeps both times.
        var refused = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["AwareAt"] = "last week" }, "#awareness-form");
        refused.Errors.ShouldContain("Enter when the school became aware, like 2026-11-30 14:05");
        refused.Errors.ShouldContain("Say why the awareness time is being corrected");
        page = await dpo.SubmitAsync(page, new Dictionary<string, string> { ["AwareAt"] = "2026-11-22 18:00", ["Reason"] = "The office saw the reply on Sunday evening." }, "#awareness-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector("#breach-clock")!.TextContent.ShouldContain("25 Nov 2026 18:00");
        await using var check = db.Context();
        (await check.Incidents.SingleAsync()).AwareAt.ShouldBe(new DateTime(2026, 11, 22, 18, 0, 0));
        var corrected = await check.IncidentEntries.SingleAsync(e => e.Type == EntryTypes.AwarenessCorrected);
        corrected.Data!.ShouldContain("2026-11-23T08:00:00");
        corrected.Data!.ShouldContain("2026-11-22T18:00:00");
    }

    [Theory, BothDatabases]
    internal async Task The_breach_log_lists_only_breaches_routed_to_the_viewer_never_restricted_records_as_a_safe_csv_and_a_printable_page(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var alder = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.DataBreach, answers: BreachAnswers);
        var laptop = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.LostDevice, answers: new() { ["device"] = "LAP-7", ["last-seen"] = "Bus", ["held-personal-data"] = "yes" });
        var birch = await ReportAsync(app, w.BirchTeacher, w.B.Id, ReportKinds.DataBreach, answers: BreachAnswers);
        var conduct = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.StaffConduct, subjectId: w.Manager.Id);
        await using (var change = db.Context())
        {
            // Belt and braces: even a restricted record with a breach clock stays out of the log.
            var restricted = await change.Incidents.SingleAsync(i => i.Id == conduct.Id);
            restricted.AwareAt = restricted.CreatedAt;
            await change.SaveChangesAsync();
        }

        var dpo = await SignedInAsync(app, w.Dpo);
        var page = await dpo.GetAsync($"/incidents/{alder.Id}");
        var hostile = new Dictionary<string, string>(ValidBreach)
        {
            ["Breach.WhatHappened"] = "=HYPERLINK(\"http://evil.example\",\"x\")", ["Breach.Reasons"] = "+SUM(1,2)", ["Breach.Categories"] = "@cmd", ["Breach.Measures"] = "-2+3",
        };
        (await dpo.SubmitAsync(page, hostile, "#breach-form")).Errors.ShouldBeEmpty();

        var response = await dpo.Client.GetAsync("/incidents/breaches?format=csv");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("Reference,School,Aware at (UK time),Deadline (UK time),Reported to ICO,Reasons,ICO reference,Reported to ICO at (UK time),Categories,People,Records,Consequences,Measures,People told,Why not told,Status,Outcome");
        lines.Length.ShouldBe(4);
        lines.ShouldContain(l => l.StartsWith(alder.Reference + ",") && l.Contains(",2026-11-23 08:00,2026-11-26 08:00,no,\"'+SUM(1,2)\",") && l.Contains(",'@cmd,30,30,") && l.Contains(",'-2+3,no,No high risk to them.,Received,"));
        lines.ShouldContain(l => l.StartsWith(laptop.Reference + ","));
        lines.ShouldContain(l => l.StartsWith(birch.Reference + ","));
        lines.ShouldNotContain(l => l.Contains(conduct.Reference));
        foreach (var cell in lines.SelectMany(l => l.Split(',')))
        {
            cell.TrimStart('"').ShouldNotStartWith("=");
            cell.TrimStart('"').ShouldNotStartWith("+");
            cell.TrimStart('"').ShouldNotStartWith("@");
        }

        // Each handler sees their own school's: the Head of Alder not Birch's, nor the restricted record routed to them.
        var head = await (await SignedInAsync(app, w.Head)).GetAsync("/incidents/breaches");
        head.Document.QuerySelector("#breach-log")!.TextContent.ShouldContain(alder.Reference);
        head.Text.ShouldNotContain(birch.Reference);
        head.Text.ShouldNotContain(conduct.Reference);
        var birchHead = await (await SignedInAsync(app, w.BirchHead)).GetAsync("/incidents/breaches?format=csv");
        birchHead.Text.ShouldContain(birch.Reference);
        birchHead.Text.ShouldNotContain(alder.Reference);
        birchHead.Text.ShouldNotContain(laptop.Reference);
        (await (await SignedInAsync(app, w.Teacher)).GetAsync("/incidents/breaches")).Document.QuerySelector("#no-breaches").ShouldNotBeNull();

        var print = await dpo.GetAsync("/incidents/breaches?from=2026-11-23&to=2026-11-23&format=print");
        print.Document.QuerySelector("#printed")!.TextContent.ShouldContain("from 23 Nov 2026 to 23 Nov 2026");
        print.Document.QuerySelectorAll("#breach-log tbody tr").Length.ShouldBe(3);
        (await dpo.GetAsync("/incidents/breaches?from=2026-11-24")).Document.QuerySelector("#no-breaches").ShouldNotBeNull();
        var form = await dpo.GetAsync("/incidents/breaches");
        form.Document.QuerySelector("#filters")!.GetAttribute("method").ShouldBe("get");
        var filtered = await dpo.GetAsync("/incidents/breaches?From.Day=23&From.Month=11&From.Year=2026");
        filtered.Document.QuerySelectorAll("#breach-log tbody tr").Length.ShouldBe(3);
        (await dpo.GetAsync("/incidents/breaches?from=2026-02-30")).Errors.ShouldContain("The start date must be a real date, like 2026-09-01");
        (await dpo.GetAsync("/incidents/breaches?To.Day=31&To.Month=2&To.Year=2026"))
            .Errors.ShouldContain("End date must be a real date");
        var backwards = await dpo.GetAsync("/incidents/breaches?from=2026-11-24&to=2026-11-01&format=csv");
        backwards.Errors.ShouldContain("The end date must be the same as or after the start date");
        backwards.Document.QuerySelector("#breach-log").ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task An_allegation_made_on_Christmas_Eve_is_due_at_the_LADO_by_the_end_of_Tuesday_and_shows_met_or_late(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime(new DateTimeOffset(2026, 12, 24, 15, 0, 0, TimeSpan.Zero));
        await using var app = new AppFactory(db, time, NoScheduler);
        var first = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.StaffConduct, subjectId: w.Manager.Id);
        var second = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.StaffConduct, subjectId: w.Manager.Id);

        // Christmas Day (Friday), the weekend, and Boxing Day moved to Monday 28th: the next working day is Tuesday 29th.
        var head = await SignedInAsync(app, w.Head);
        var page = await head.GetAsync($"/incidents/{first.Id}");
        page.Document.QuerySelector("#lado-due")!.TextContent.ShouldContain("by the end of Tuesday 29 December 2026");
        var empty = await head.SubmitAsync(page, new Dictionary<string, string>(), "#lado-form");
        empty.Errors.ShouldContain("Enter who you spoke to at the LADO");
        empty.Errors.ShouldContain("Enter when you contacted the LADO");
        (await head.SubmitAsync(page, new Dictionary<string, string> { ["LadoWho"] = "Lee Officer", ["LadoWhen"] = "2026-12-29 16:00" }, "#lado-form"))
            .Errors.ShouldContain("When you contacted the LADO must be in the past");

        time.Advance(TimeSpan.FromDays(7));
        head = await SignedInAsync(app, w.Head); // the sign-in from a week ago has expired
        page = await head.SubmitAsync(await head.GetAsync($"/incidents/{first.Id}"), new Dictionary<string, string> { ["LadoWho"] = "Lee Officer", ["LadoWhen"] = "2026-12-29 23:30", ["LadoReference"] = "LADO-77" }, "#lado-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector("#lado-status")!.TextContent.ShouldBe("Met");
        page.Document.QuerySelector("#entries")!.TextContent.ShouldContain("Contacted Lee Officer at the LADO, reference LADO-77.");
        var late = await head.GetAsync($"/incidents/{second.Id}");
        late.Document.QuerySelector("#lado-status")!.TextContent.ShouldBe("Overdue");
        late = await head.SubmitAsync(late, new Dictionary<string, string> { ["LadoWho"] = "Lee Officer", ["LadoWhen"] = "2026-12-30 00:00" }, "#lado-form");
        late.Document.QuerySelector("#lado-status")!.TextContent.ShouldBe("Late");
    }

    [Theory, BothDatabases]
    internal async Task Three_low_level_concerns_within_twelve_months_are_flagged_to_the_case_manager_but_not_three_across_thirteen(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        var time = new FakeTime(new DateTimeOffset(2025, 1, 10, 10, 0, 0, TimeSpan.Zero));
        await using var app = new AppFactory(db, time, NoScheduler);
        var head = await SignedInAsync(app, w.Head);

        async Task<Browser.Page> LowLevelAsync(Person subject, Person reporter)
        {
            var incident = await ReportAsync(app, reporter, w.A.Id, ReportKinds.StaffConduct, subjectId: subject.Id);
            head = await SignedInAsync(app, w.Head); // months pass between concerns: sign in afresh
            var page = await head.SubmitAsync(await head.GetAsync($"/incidents/{incident.Id}"), new Dictionary<string, string> { ["Classification"] = "low-level-concern" }, "#classify-form");
            page.Errors.ShouldBeEmpty();
            page.Document.QuerySelector("#classification")!.TextContent.ShouldContain("low-level concern");
            return page;
        }

        // The teacher: at 0, 6 and 13 months, never three within twelve.
        (await LowLevelAsync(w.Teacher, w.Manager)).Document.QuerySelector("#low-level-flag").ShouldBeNull();
        time.Advance(TimeSpan.FromDays(183));
        (await LowLevelAsync(w.Teacher, w.Manager)).Document.QuerySelector("#low-level-flag").ShouldBeNull();
        time.Advance(TimeSpan.FromDays(213));
        (await LowLevelAsync(w.Teacher, w.Manager)).Document.QuerySelector("#low-level-flag").ShouldBeNull();

        // The manager: at 0, 5 and 11 months (the second first reclassified, latest wins).
        (await LowLevelAsync(w.Manager, w.Teacher)).Document.QuerySelector("#low-level-flag").ShouldBeNull();
        time.Advance(TimeSpan.FromDays(150));
        var second = await LowLevelAsync(w.Manager, w.Teacher);
        second = await head.SubmitAsync(second, new Dictionary<string, string> { ["Classification"] = "allegation" }, "#classify-form");
        second.Document.QuerySelector("#classification")!.TextContent.ShouldContain("allegation");
        time.Advance(TimeSpan.FromDays(180));
        (await LowLevelAsync(w.Manager, w.Teacher)).Document.QuerySelector("#low-level-flag").ShouldBeNull();
        second = await head.SubmitAsync(await head.GetAsync(second.Url), new Dictionary<string, string> { ["Classification"] = "low-level-concern" }, "#classify-form");
        second.Document.QuerySelector("#low-level-flag")!.TextContent.ShouldContain("Mo Manager has 3 low-level concerns recorded, 3 of them within twelve months");

        // The DSL sees the record but does not classify it.
        var dsl = await SignedInAsync(app, w.Dsl);
        var dslPage = await dsl.GetAsync(second.Url);
        dslPage.Document.QuerySelector("#classify-form").ShouldBeNull();
        dslPage.Document.QuerySelector("#low-level-flag").ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task A_police_referral_of_suspected_illegal_content_is_recorded_and_shown(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var incident = await ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.IllegalContent,
            answers: new() { ["location"] = "Locked in the Head's safe", ["secured-by"] = "Tia Teach", ["secured-at"] = "2026-11-23 08:30" });

        var dsl = await SignedInAsync(app, w.Dsl);
        var page = await dsl.GetAsync($"/incidents/{incident.Id}");
        var empty = await dsl.SubmitAsync(page, new Dictionary<string, string>(), "#police-form");
        empty.Errors.ShouldContain("Enter the police force");
        empty.Errors.ShouldContain("Enter the police reference");
        empty.Errors.ShouldContain("Enter when it was referred");
        page = await dsl.SubmitAsync(page, new Dictionary<string, string> { ["PoliceForce"] = "Avon and Somerset Police", ["PoliceReference"] = "5226-0042", ["PoliceWhen"] = "2026-11-23 08:50" }, "#police-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector(".police-referral")!.TextContent.ShouldBe("Referred to the police: Avon and Somerset Police, reference 5226-0042, 23 Nov 2026 08:50.");
        (await db.Context().AuditEvents.CountAsync(e => e.Action == "incident.police-referral")).ShouldBe(1);
    }
}
