using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

/// <summary>Adding, changing and marking one person as a leaver from their pages, without a staff file.</summary>
public sealed class PersonPagesTests
{
    private static IReadOnlyList<string> Summary(Browser.Page page) =>
        page.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(e => e.TextContent.Trim()).ToList();

    [Theory, BothDatabases]
    internal async Task A_school_administrator_adds_a_person_who_is_asked_at_once_to_sign_with_the_email_queued(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        await w.PublishAsync("Staff Acceptable Use Policy");
        var browser = await w.SignInAsync(w.SchoolAdmin);

        var people = await browser.GetAsync("/people");
        people.Document.QuerySelector("a[href='/people/new']")!.TextContent.ShouldBe("Add a person");
        var form = await browser.GetAsync("/people/new");
        form.Heading.ShouldBe("Add a person");
        // A school administrator's own school is ticked to start with, and no other is offered.
        form.Document.QuerySelectorAll("input[name='Person.SchoolIds']").Select(i => (i.GetAttribute("value"), i.HasAttribute("checked"))).ShouldBe([(w.A.Id.ToString(), true)]);

        var fields = PeopleWorld.Fields("Nia", "Okafor", "nia.okafor@test.sch.uk", "NOK", "Teaching assistant", "Temporary", "Support", "1", "9", "2026");
        var added = await browser.SubmitAsync(form, fields);

        added.Heading.ShouldStartWith("Nia Okafor");
        added.Text.ShouldContain("Added Nia Okafor. They have been asked to sign 1 policy.");
        var due = Gov(w.Today.AddDays(14));
        added.Document.QuerySelector("#to-sign tbody tr")!.TextContent.ShouldContain("Staff Acceptable Use Policy");
        added.Document.QuerySelector("#to-sign tbody tr")!.TextContent.ShouldContain(due);

        await using (var ctx = db.Context())
        {
            var nia = await ctx.People.Include(p => p.Schools).Include(p => p.Roles).SingleAsync(p => p.EmailNormalized == "nia.okafor@test.sch.uk");
            nia.StaffCode.ShouldBe("NOK");
            nia.JobTitle.ShouldBe("Teaching assistant");
            nia.EmploymentType.ShouldBe(EmploymentType.Temporary);
            nia.StaffGroup.ShouldBe("Support");
            nia.StartDate.ShouldBe(new DateOnly(2026, 9, 1));
            nia.Schools.Select(s => s.SchoolId).ShouldBe([w.A.Id]);
            nia.Roles.Select(r => (r.Role, r.SchoolId)).ShouldBe([(Role.Staff, (long?)w.A.Id)]);
            var request = await ctx.SignOffRequests.SingleAsync(r => r.PersonId == nia.Id);
            request.Status.ShouldBe(RequestStatus.Outstanding);
            request.DueOn.ShouldBe(w.Today.AddDays(14));
            var email = await ctx.Outbox.SingleAsync(e => e.ToAddress == "nia.okafor@test.sch.uk");
            email.Subject.ShouldBe("Please read and sign: Staff Acceptable Use Policy");
            (await ctx.AuditEvents.SingleAsync(e => e.Action == "person.created")).EntityId.ShouldBe(nia.Id.ToString());
            (await ctx.AuditEvents.SingleAsync(e => e.Action == "policy.joiners-asked")).ActorPersonId.ShouldBe(w.SchoolAdmin.Id);
        }

        // The same form sent twice (a double click, or back and resubmit) adds one person.
        await browser.SubmitAsync(form, fields);
        await using var check = db.Context();
        (await check.People.CountAsync(p => p.FamilyName == "Okafor")).ShouldBe(1);
        (await check.Outbox.CountAsync(e => e.ToAddress == "nia.okafor@test.sch.uk")).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task Every_problem_is_a_field_error_in_form_order_including_an_email_or_staff_code_someone_already_has(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var browser = await w.SignInAsync(w.SchoolAdmin);
        int before;
        await using (var ctx = db.Context())
        {
            before = await ctx.People.CountAsync();
        }

        var form = await browser.GetAsync("/people/new");
        // Someone else's address in capitals and their staff code in lower case are still theirs.
        var refused = await browser.SubmitAsync(form, PeopleWorld.Fields("", "Okafor", w.StaffB.Email!.ToUpperInvariant(), w.StaffB.StaffCode!.ToLowerInvariant(), day: "31", month: "2", year: "2026"));
        refused.Status.ShouldBe(HttpStatusCode.OK);
        Summary(refused).ShouldBe([
            "Enter their first name",
            $"Work email {w.StaffB.Email!.ToUpperInvariant()} is already someone else's in SafeUse: each person needs their own address",
            $"Staff code {w.StaffB.StaffCode!.ToLowerInvariant()} is already someone else's in SafeUse: each person needs their own code",
            "Start date must be a real date",
        ]);
        refused.Document.QuerySelector("#Person_Email-error")!.TextContent.ShouldContain("already someone else's");
        refused.Document.QuerySelector(".govuk-error-summary__list a[href='#Person_StaffCode']").ShouldNotBeNull();
        // What was typed is kept.
        refused.Document.QuerySelector<IHtmlInputElement>("#Person_FamilyName")!.Value.ShouldBe("Okafor");
        refused.Document.QuerySelector<IHtmlInputElement>("#Person_StartDate")!.Value.ShouldBe("31");

        // No email and no code, and no school ticked.
        var fresh = await browser.GetAsync("/people/new");
        fresh.Document.QuerySelector<IHtmlInputElement>("input[name='Person.SchoolIds']")!.IsChecked = false;
        var empty = await browser.SubmitAsync(fresh, PeopleWorld.Fields("Nia", "Okafor", "", ""));
        Summary(empty).ShouldBe(["Enter a work email or a staff code: at least one is needed to recognise them on a staff import", "Choose at least one school"]);

        await using var check = db.Context();
        (await check.People.CountAsync()).ShouldBe(before);
        (await check.AuditEvents.CountAsync(e => e.Action == "person.created")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task An_edit_saves_the_changes_with_an_audit_event_and_asks_a_new_joiner_of_an_audience(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var browser = await w.SignInAsync(w.SchoolAdmin);

        var details = await browser.GetAsync($"/people/{w.StaffA.Id}");
        details.Document.QuerySelector("#actions a[href$='/edit']")!.TextContent.ShouldBe("Change details");
        var form = await browser.GetAsync($"/people/{w.StaffA.Id}/edit");
        form.Document.QuerySelector<IHtmlInputElement>("#Person_Email")!.Value.ShouldBe(w.StaffA.Email);
        var saved = await browser.SubmitAsync(form, PeopleWorld.Fields(family: "Ashby", job: "Class teacher", email: "ann.ashby@test.sch.uk"));
        saved.Text.ShouldContain("Saved Ann Ashby's details.");
        saved.Text.ShouldContain("ann.ashby@test.sch.uk");

        await using var ctx = db.Context();
        var ann = await ctx.People.SingleAsync(p => p.Id == w.StaffA.Id);
        (ann.FamilyName, ann.JobTitle, ann.Email, ann.EmailNormalized).ShouldBe(("Ashby", "Class teacher", "ann.ashby@test.sch.uk", "ann.ashby@test.sch.uk"));
        ann.Version.ShouldBe(1);
        var e = await ctx.AuditEvents.SingleAsync(x => x.Action == "person.updated");
        e.ActorPersonId.ShouldBe(w.SchoolAdmin.Id);
        e.Before!.ShouldContain("ann.ash@test.sch.uk");
        e.After!.ShouldContain("Class teacher");
    }

    [Theory, BothDatabases]
    internal async Task A_stale_edit_saves_nothing_says_someone_else_changed_them_and_keeps_what_the_editor_typed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var samsForm = await sam.GetAsync($"/people/{w.StaffA.Id}/edit");
        var alexsForm = await alex.GetAsync($"/people/{w.StaffA.Id}/edit");
        (await alex.SubmitAsync(alexsForm, PeopleWorld.Fields(job: "Head of Year 6"))).Text.ShouldContain("Saved Ann Ash's details.");

        var stale = await sam.SubmitAsync(samsForm, PeopleWorld.Fields(family: "Ashby"));
        Summary(stale).ShouldBe(["Someone else changed Ann Ash's details after you opened this page, so your changes have not been saved yet"]);
        stale.Document.QuerySelector("#saved-now")!.TextContent.ShouldContain("Head of Year 6");
        stale.Document.QuerySelector<IHtmlInputElement>("#Person_FamilyName")!.Value.ShouldBe("Ashby");
        await using (var ctx = db.Context())
        {
            var ann = await ctx.People.SingleAsync(p => p.Id == w.StaffA.Id);
            (ann.FamilyName, ann.JobTitle).ShouldBe(("Ash", "Head of Year 6"));
        }

        // Having seen what is saved now, saving again is a deliberate choice, and it saves.
        var again = await sam.SubmitAsync(stale, PeopleWorld.Fields(job: "Head of Year 6"));
        again.Text.ShouldContain("Saved Ann Ashby's details.");
        await using var check = db.Context();
        var after = await check.People.SingleAsync(p => p.Id == w.StaffA.Id);
        (after.FamilyName, after.JobTitle, after.Version).ShouldBe(("Ashby", "Head of Year 6", 2));
        (await check.AuditEvents.CountAsync(e => e.Action == "person.updated")).ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task Only_a_trust_administrator_changes_the_work_email_of_someone_with_a_role_beyond_staff(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            ctx.SignInLinks.Add(new SignInLink { PersonId = w.HeadA.Id, TokenHash = new string('a', 64), CreatedAt = w.Time.GetUtcNow().UtcDateTime, ExpiresAt = w.Time.GetUtcNow().UtcDateTime.AddMinutes(15) });
            await ctx.SaveChangesAsync();
        }

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var form = await sam.GetAsync($"/people/{w.HeadA.Id}/edit");
        var refused = await sam.SubmitAsync(form, PeopleWorld.Fields(email: "attacker@evil.test", job: "Headteacher"));
        Summary(refused).ShouldBe([
            "Only a trust administrator can change the work email of someone with a role beyond Staff (Hana Head is Head): the address is how they sign in, so a change could hand their account to someone else. Keep hana.head@test.sch.uk or ask a trust administrator",
        ]);

        // The rest of their record is the school's to keep up to date.
        (await sam.SubmitAsync(refused, PeopleWorld.Fields(email: w.HeadA.Email!, job: "Headteacher"))).Text.ShouldContain("Saved Hana Head's details.");

        var alex = await w.SignInAsync(w.TrustAdmin);
        var trustForm = await alex.GetAsync($"/people/{w.HeadA.Id}/edit");
        (await alex.SubmitAsync(trustForm, PeopleWorld.Fields(email: "hana.head@alder.sch.uk"))).Text.ShouldContain("Saved Hana Head's details.");

        await using var check = db.Context();
        var hana = await check.People.SingleAsync(p => p.Id == w.HeadA.Id);
        (hana.Email, hana.JobTitle).ShouldBe(("hana.head@alder.sch.uk", "Headteacher"));
        // A link emailed to the old address no longer opens the account.
        (await check.SignInLinks.SingleAsync(l => l.PersonId == w.HeadA.Id)).ExpiresAt.ShouldBeLessThanOrEqualTo(w.Time.GetUtcNow().UtcDateTime);
    }

    [Theory, BothDatabases]
    internal async Task Marking_a_leaver_stops_their_requests_and_their_session_at_once_and_keeps_what_they_signed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var (_, signedVersion) = await w.PublishAsync("Data Protection Policy");
        await w.SignAsync(w.StaffA, signedVersion);
        await w.PublishAsync("Staff Acceptable Use Policy");
        var ann = await w.SignInAsync(w.StaffA);
        var sam = await w.SignInAsync(w.SchoolAdmin);

        var form = await sam.GetAsync($"/people/{w.StaffA.Id}/leaver");
        form.Heading.ShouldBe("Mark as a leaver");
        Summary(await sam.SubmitAsync(form, new Dictionary<string, string>())).ShouldBe(["Enter their leave date"]);
        var tomorrow = w.Today.AddDays(1);
        Summary(await sam.SubmitAsync(form, LeaveOn(tomorrow))).ShouldBe(["The leave date must be today or in the past: mark them as a leaver on or after their last day"]);
        await using (var ctx = db.Context())
        {
            (await ctx.People.SingleAsync(p => p.Id == w.StaffA.Id)).IsLeaver.ShouldBeFalse();
        }

        var done = await sam.SubmitAsync(form, LeaveOn(w.Today));
        done.Text.ShouldContain($"Ann Ash is marked as a leaver from {Gov(w.Today)}.");
        done.Document.QuerySelector("h1 .govuk-tag")!.TextContent.ShouldBe("Leaver");
        done.Document.QuerySelector("#to-sign-none").ShouldNotBeNull();
        done.Document.QuerySelector("#signed tbody tr")!.TextContent.ShouldContain("Data Protection Policy");

        // Her open session ends with the mark, not at the cookie's expiry.
        (await ann.GetAsync("/")).Url.ShouldContain("/account/sign-in");

        await using var check = db.Context();
        var left = await check.People.SingleAsync(p => p.Id == w.StaffA.Id);
        (left.IsLeaver, left.LeaveDate).ShouldBe((true, w.Today));
        (await check.SignOffRequests.Where(r => r.PersonId == w.StaffA.Id).Select(r => r.Status).ToListAsync()).ShouldBe([RequestStatus.Signed, RequestStatus.Stopped], ignoreOrder: true);
        (await check.AuditEvents.SingleAsync(e => e.Action == "person.left")).ActorPersonId.ShouldBe(w.SchoolAdmin.Id);
    }

    [Theory, BothDatabases]
    internal async Task The_last_active_administrator_is_never_made_a_leaver_nor_is_the_one_marking(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var self = await sam.GetAsync($"/people/{w.SchoolAdmin.Id}/leaver");
        Summary(await sam.SubmitAsync(self, LeaveOn(w.Today))).ShouldBe(["You cannot mark yourself as a leaver: ask another administrator"]);

        // Alex marks Sam as a leaver, which leaves Alex the only administrator.
        (await alex.SubmitAsync(await alex.GetAsync($"/people/{w.SchoolAdmin.Id}/leaver"), LeaveOn(w.Today))).Text.ShouldContain("Sam Admin is marked as a leaver");
        var last = await alex.GetAsync($"/people/{w.TrustAdmin.Id}/leaver");
        Summary(await alex.SubmitAsync(last, LeaveOn(w.Today))).ShouldBe(["Alex Morgan is the trust's only administrator, so they cannot be marked as a leaver: give someone else the Administrator role first"]);

        await using var check = db.Context();
        (await check.People.SingleAsync(p => p.Id == w.TrustAdmin.Id)).IsLeaver.ShouldBeFalse();
    }

    [Theory, BothDatabases]
    internal async Task The_person_page_shows_what_they_signed_with_a_receipt_and_what_is_outstanding_or_overdue(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var (_, v1) = await w.PublishAsync("Data Protection Policy");
        await w.SignAsync(w.StaffA, v1);
        var signedOn = w.Time.GetUtcNow().UtcDateTime;
        await w.PublishAsync("Staff Acceptable Use Policy", signWithinDays: 7);
        var firstDue = w.Today.AddDays(7);
        w.Time.Advance(TimeSpan.FromDays(10));
        await w.PublishAsync("Social Media Policy", signWithinDays: 14);
        var secondDue = w.Today.AddDays(14);

        var head = await w.SignInAsync(w.HeadA);
        var page = await head.GetAsync($"/people/{w.StaffA.Id}");
        var signed = page.Document.QuerySelectorAll("#signed tbody tr").Select(r => r.TextContent).ToList();
        signed.Count.ShouldBe(1);
        signed[0].ShouldContain("Data Protection Policy");
        signed[0].ShouldContain("1.0");
        signed[0].ShouldContain(SafeUse.Platform.Web.Gov.Local(signedOn));
        var receipt = page.Document.QuerySelector("#signed tbody tr a")!.GetAttribute("href")!;
        await using (var ctx = db.Context())
        {
            var signature = await ctx.Signatures.SingleAsync();
            receipt.ShouldBe($"/receipts/{w.StaffA.Id}#signature-{signature.Id}");
        }

        var opened = await head.GetAsync(receipt);
        opened.Status.ShouldBe(HttpStatusCode.OK);
        opened.Document.QuerySelector(receipt[receipt.IndexOf('#')..])!.TextContent.ShouldContain("Data Protection Policy, version 1.0");

        var waiting = page.Document.QuerySelectorAll("#to-sign tbody tr").Select(r => r.TextContent).ToList();
        waiting.Count.ShouldBe(2);
        waiting[0].ShouldContain("Staff Acceptable Use Policy");
        waiting[0].ShouldContain(Gov(firstDue));
        waiting[0].ShouldContain("Overdue");
        waiting[1].ShouldContain("Social Media Policy");
        waiting[1].ShouldContain(Gov(secondDue));
        waiting[1].ShouldContain("To sign");
        // A Head reads the record but changes nothing: that is an administrator's job.
        page.Document.QuerySelector("#actions").ShouldBeNull();

        // The IT lead may see the person, not their receipts; the Head of the other school not even the person.
        var it = await w.SignInAsync(w.ItLead);
        var itPage = await it.GetAsync($"/people/{w.StaffA.Id}");
        itPage.Document.QuerySelector("#signed tbody tr")!.TextContent.ShouldContain("Data Protection Policy");
        itPage.Document.QuerySelector("#signed a").ShouldBeNull();
        var other = await w.SignInAsync(w.HeadB);
        (await other.GetAsync($"/people/{w.StaffA.Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    private static Dictionary<string, string> LeaveOn(DateOnly d) => new()
    {
        ["LeaveDate.Day"] = d.Day.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LeaveDate.Month"] = d.Month.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LeaveDate.Year"] = d.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Gov(DateOnly d) => SafeUse.Platform.Web.Gov.Date(d);
}
