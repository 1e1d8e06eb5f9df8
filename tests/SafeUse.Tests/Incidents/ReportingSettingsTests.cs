using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>A school's reporting settings page (role names, report kinds and routes) through the web, on both databases.</summary>
public sealed class ReportingSettingsTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private static async Task<Browser> SignedInAsync(AppFactory app, string email)
    {
        var b = app.Browse();
        await b.SignInAsync(email, Seed.Password);
        return b;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static int Index(string kind) => ReportKinds.All.ToList().FindIndex(k => k.Code == kind);

    private static string Kind(string kind, string part) => $"Kinds[{Index(kind)}].{part}";

    [Theory, BothDatabases]
    internal async Task An_administrator_renames_a_role_and_reroutes_a_kind_and_the_next_report_goes_the_new_way_under_the_new_name(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var admin = await SignedInAsync(app, w.Admin.Email!);

        var schools = await admin.GetAsync("/schools");
        schools.Document.QuerySelector($"a[href='/settings/reporting?school={Id(w.A.Id)}']").ShouldNotBeNull();
        var chooser = await admin.GetAsync("/settings/reporting");
        chooser.Status.ShouldBe(HttpStatusCode.OK);
        chooser.Document.QuerySelector("#schools")!.TextContent.ShouldContain(w.A.Name);
        chooser.Document.QuerySelector("#schools")!.TextContent.ShouldContain(w.B.Name);

        var page = await admin.GetAsync($"/settings/reporting?school={Id(w.A.Id)}");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Document.QuerySelector($"#required-{ReportKinds.DataBreach}")!.TextContent.ShouldContain("Data Protection Officer");
        page.Document.QuerySelector($"#route-{ReportKinds.StaffConduct}")!.TextContent.ShouldContain("case manager");
        page.Document.QuerySelector($"select[name='{Kind(ReportKinds.StaffConduct, "Route[0]")}']").ShouldBeNull();
        page.Document.QuerySelector($"#Kinds_{Index(ReportKinds.IllegalContent)}__Files")!.HasAttribute("disabled").ShouldBeTrue();

        page = await admin.SubmitAsync(page, new Dictionary<string, string> { ["Labels[online-safety-lead]"] = "  Digital Lead " }, "#labels-form");
        page.Errors.ShouldBeEmpty();
        page.Document.QuerySelector("#Labels_online-safety-lead_")!.GetAttribute("value").ShouldBe("Digital Lead");
        page.Document.QuerySelectorAll($"select[name='{Kind(ReportKinds.AccidentalAccess, "Route[0]")}'] option").Select(o => o.TextContent)
            .ShouldContain("Digital Lead (Online safety lead)");

        page = await admin.SubmitAsync(page, new Dictionary<string, string>
        {
            [Kind(ReportKinds.AccidentalAccess, "Name")] = "Saw something unsuitable",
            [Kind(ReportKinds.AccidentalAccess, "Route[0]")] = "it-lead",
            [Kind(ReportKinds.AccidentalAccess, "Route[1]")] = "",
            [Kind(ReportKinds.AccidentalAccess, "Route[2]")] = "online-safety-lead",
            [Kind(ReportKinds.AccidentalAccess, "Hours")] = "",
            [Kind(ReportKinds.IllegalContent, "Files")] = "true",
        }, "#kinds-form");
        page.Errors.ShouldBeEmpty();
        page.Text.ShouldContain("Saved the report kinds");

        await using (var check = db.Context())
        {
            (await check.RoleLabels.SingleAsync()).Label.ShouldBe("Digital Lead");
            var setting = await check.ReportKindSettings.SingleAsync(s => s.SchoolId == w.A.Id && s.Kind == ReportKinds.AccidentalAccess);
            setting.Route.ShouldBe("it-lead,online-safety-lead");
            setting.Name.ShouldBe("Saw something unsuitable");
            (await check.ReportKindSettings.AnyAsync(s => s.Kind == ReportKinds.IllegalContent && s.AttachmentsAllowed)).ShouldBeFalse();
            var events = await check.AuditEvents.Where(e => e.Action.StartsWith("reporting.")).OrderBy(e => e.Seq).ToListAsync();
            events.Select(e => e.Action).ShouldBe(["reporting.labels-changed", "reporting.kinds-changed"]);
            events.ShouldAllBe(e => e.SchoolId == w.A.Id && e.ActorPersonId == w.Admin.Id);
            events[0].After!.ShouldContain("Digital Lead");
            events[1].Before!.ShouldContain("online-safety-lead,dsl");
            events[1].After!.ShouldContain("it-lead,online-safety-lead");
        }

        // Saving the same again changes nothing and writes nothing.
        page = await admin.SubmitAsync(page, new Dictionary<string, string>(), "#kinds-form");
        page.Text.ShouldContain("Nothing changed.");
        (await db.Context().AuditEvents.CountAsync(e => e.Action.StartsWith("reporting."))).ShouldBe(2);

        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await teacher.SubmitAsync(await teacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = ReportKinds.AccidentalAccess });
        form.Heading.ShouldBe("Saw something unsuitable");
        (await teacher.SubmitAsync(form, new Dictionary<string, string> { ["WhatHappened"] = "A pupil saw a violent clip." })).Errors.ShouldBeEmpty();

        (await db.Context().Outbox.Select(e => e.ToAddress).ToListAsync()).ShouldBe([w.ItLead.Email!, w.Digital.Email!], ignoreOrder: true);
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        (await (await SignedInAsync(app, w.Dsl.Email!)).GetAsync($"/incidents/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var routed = (await (await SignedInAsync(app, w.ItLead.Email!)).GetAsync($"/incidents/{id}")).Document.QuerySelector("#routed-to")!.TextContent;
        routed.ShouldContain("Dina Digital (Digital Lead)");
        routed.ShouldContain("Ivan Tech (IT lead)");

        // The other school keeps SafeUse's names and routes.
        var birch = await admin.GetAsync($"/settings/reporting?school={Id(w.B.Id)}");
        birch.Document.QuerySelector("#Labels_online-safety-lead_")!.GetAttribute("value").ShouldBeNullOrEmpty();
    }

    [Theory, BothDatabases]
    internal async Task Every_mistake_is_shown_at_once_in_form_order_and_nothing_is_saved(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var admin = await SignedInAsync(app, w.Admin.Email!);
        var page = await admin.GetAsync($"/settings/reporting?school={Id(w.A.Id)}");

        var labels = await admin.SubmitAsync(page, new Dictionary<string, string> { ["Labels[head]"] = new string('h', 81), ["Labels[dpo]"] = new string('d', 81) }, "#labels-form");
        labels.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(e => e.TextContent).ShouldBe(
            ["The name for Head must be 80 characters or fewer", "The name for Data Protection Officer must be 80 characters or fewer"]);

        var kinds = await admin.SubmitAsync(page, new Dictionary<string, string>
        {
            [Kind(ReportKinds.AccidentalAccess, "Name")] = " ",
            [Kind(ReportKinds.Misuse, "Route[0]")] = "dsl",
            [Kind(ReportKinds.Misuse, "Route[1]")] = "dsl",
            [Kind(ReportKinds.OffensiveMessage, "Hours")] = "0",
            [Kind(ReportKinds.LostDevice, "Route[0]")] = "",
            [Kind(ReportKinds.LostDevice, "Route[1]")] = "",
            [Kind(ReportKinds.DamagedDevice, "Route[0]")] = "staff",
            [Kind(ReportKinds.FilteringFailure, "Hours")] = "a day",
            [Kind(ReportKinds.Other, "Name")] = new string('n', 121),
        }, "#kinds-form");
        kinds.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(e => e.TextContent).ShouldBe(
        [
            "Enter the name of \"Accidental access to inappropriate material\" at your school",
            "Designated Safeguarding Lead is already on the route for \"Suspected misuse of ICT by someone else\": choose each only once",
            "Hours to acknowledge for \"An offensive, threatening or bullying message\" must be a whole number from 1 to 168, or blank",
            "Choose who is told first about \"Lost or stolen device\"",
            "Choose who is told from the list for \"Damaged or faulty device\"",
            "Hours to acknowledge for \"Filtering failure\" must be a whole number from 1 to 168, or blank",
            "The name of \"Something else\" must be 120 characters or fewer",
        ]);
        kinds.Document.QuerySelector($"#Kinds_{Index(ReportKinds.Misuse)}__Route_1_-error").ShouldNotBeNull();
        kinds.Document.QuerySelector($"#Kinds_{Index(ReportKinds.FilteringFailure)}__Hours")!.GetAttribute("value").ShouldBe("a day");

        await using var check = db.Context();
        (await check.RoleLabels.CountAsync()).ShouldBe(0);
        (await check.ReportKindSettings.CountAsync()).ShouldBe(0);
        (await check.AuditEvents.CountAsync(e => e.Action.StartsWith("reporting."))).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_school_administrator_sees_only_their_school_a_forged_post_for_another_changes_nothing_and_others_are_refused(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            var trust = await ctx.Trusts.SingleAsync();
            var school = await ctx.Schools.SingleAsync(s => s.Id == w.A.Id);
            await Seed.PersonAsync(ctx, trust, school, "Sam", "Schooladmin", (Role.Administrator, school));
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var schoolAdmin = await SignedInAsync(app, "sam.schooladmin@test.sch.uk");

        // One school: the page opens at it, with no chooser.
        var own = await schoolAdmin.GetAsync("/settings/reporting");
        own.Status.ShouldBe(HttpStatusCode.OK);
        own.Document.QuerySelector(".govuk-caption-l")!.TextContent.ShouldBe(w.A.Name);
        (await schoolAdmin.GetAsync($"/settings/reporting?school={Id(w.B.Id)}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await schoolAdmin.GetAsync("/settings/reporting?school=999999")).Status.ShouldBe(HttpStatusCode.NotFound);

        foreach (var (selector, handler, field) in new[] { ("#labels-form", "Labels", "Labels[head]"), ("#kinds-form", "Kinds", Kind(ReportKinds.Other, "Name")) })
        {
            own.Document.QuerySelector(selector)!.SetAttribute("action", $"/settings/reporting?school={Id(w.B.Id)}&handler={handler}");
            var forged = await schoolAdmin.SubmitAsync(own, new Dictionary<string, string> { [field] = "Forged" }, selector);
            forged.Status.ShouldBe(HttpStatusCode.NotFound);
        }

        foreach (var person in new[] { w.Teacher, w.Head, w.Dsl, w.BirchHead })
        {
            var b = await SignedInAsync(app, person.Email!);
            (await b.GetAsync($"/settings/reporting?school={Id(w.A.Id)}")).Status.ShouldBe(HttpStatusCode.Forbidden, person.GivenName);
            var post = await b.SubmitAsync(own, new Dictionary<string, string> { ["Labels[head]"] = "Forged" }, "#labels-form");
            post.Status.ShouldNotBe(HttpStatusCode.OK, person.GivenName);
        }

        await using var check = db.Context();
        (await check.RoleLabels.CountAsync()).ShouldBe(0);
        (await check.ReportKindSettings.CountAsync()).ShouldBe(0);
        (await check.AuditEvents.CountAsync(e => e.Action.StartsWith("reporting."))).ShouldBe(0);
    }
}
