using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

/// <summary>
/// A school administrator changes only people who belong to schools they administer and hold no role elsewhere or
/// across the trust, the same rule as the staff import, whether through the pages or with forms they craft.
/// </summary>
public sealed class PersonPagesAccessTests
{
    [Theory, BothDatabases]
    internal async Task A_school_administrator_cannot_open_the_edit_or_leaver_page_of_anyone_outside_their_schools(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);

        foreach (var action in new[] { "edit", "leaver" })
        {
            // Not in their schools at all: not found, so their existence is not revealed.
            (await sam.GetAsync($"/people/{w.StaffB.Id}/{action}")).Status.ShouldBe(HttpStatusCode.NotFound);
            (await sam.GetAsync($"/people/{w.TrustAdmin.Id}/{action}")).Status.ShouldBe(HttpStatusCode.NotFound);
            // In their school too, but also at another, or holding a trust-wide role: theirs to see, not to change.
            (await sam.GetAsync($"/people/{w.Both.Id}/{action}")).Status.ShouldBe(HttpStatusCode.Forbidden);
            (await sam.GetAsync($"/people/{w.Central.Id}/{action}")).Status.ShouldBe(HttpStatusCode.Forbidden);
            (await sam.GetAsync($"/people/{w.StaffA.Id}/{action}")).Status.ShouldBe(HttpStatusCode.OK);
        }

        (await sam.GetAsync($"/people/{w.Both.Id}")).Document.QuerySelector("#actions").ShouldBeNull();
        (await sam.GetAsync($"/people/{w.StaffA.Id}")).Document.QuerySelector("#actions a[href$='/leaver']")!.TextContent.ShouldBe("Mark as a leaver");

        // A Head may read people but change no one.
        var head = await w.SignInAsync(w.HeadA);
        (await head.GetAsync($"/people/{w.StaffA.Id}/edit")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await head.GetAsync("/people/new")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, BothDatabases]
    internal async Task Crafted_posts_from_a_school_administrator_change_no_one_outside_their_schools(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);

        // A real form of theirs (with its antiforgery token) sent to another person's address.
        var edit = await sam.GetAsync($"/people/{w.StaffA.Id}/edit");
        var leaver = await sam.GetAsync($"/people/{w.StaffA.Id}/leaver");
        var leaveToday = new Dictionary<string, string> { ["LeaveDate.Day"] = w.Today.Day.ToString(), ["LeaveDate.Month"] = w.Today.Month.ToString(), ["LeaveDate.Year"] = w.Today.Year.ToString() };
        foreach (var target in new[] { w.StaffB, w.Both, w.Central, w.TrustAdmin })
        {
            var renamed = await sam.SubmitAsync(edit with { Url = edit.Url.Replace($"/people/{w.StaffA.Id}/", $"/people/{target.Id}/") },
                PeopleWorld.Fields(given: "Mallory", email: "mallory@evil.test"));
            renamed.Status.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Forbidden);
            var left = await sam.SubmitAsync(leaver with { Url = leaver.Url.Replace($"/people/{w.StaffA.Id}/", $"/people/{target.Id}/") }, leaveToday);
            left.Status.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Forbidden);
        }

        // Their own person moved into, or added to, a school they do not administer.
        var moved = await sam.SubmitAsync(edit, PeopleWorld.Fields(school: w.B.Id.ToString()));
        moved.Errors.ShouldContain("Choose only schools you administer");
        var added = await sam.SubmitAsync(await sam.GetAsync("/people/new"), PeopleWorld.Fields("Mallory", "Jones", "mallory@evil.test", school: w.B.Id.ToString()));
        added.Errors.ShouldContain("Choose only schools you administer");

        await using var ctx = db.Context();
        (await ctx.People.CountAsync(p => p.GivenName == "Mallory" || p.Email == "mallory@evil.test")).ShouldBe(0);
        (await ctx.People.CountAsync(p => p.IsLeaver)).ShouldBe(0);
        (await ctx.PersonSchools.CountAsync(s => s.PersonId == w.StaffA.Id)).ShouldBe(1);
        (await ctx.AuditEvents.CountAsync(e => e.Action.StartsWith("person."))).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_trust_administrator_changes_anyone_and_may_leave_someone_in_no_school(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var both = await alex.GetAsync($"/people/{w.Both.Id}/edit");
        both.Document.QuerySelectorAll("input[name='Person.SchoolIds'][checked]").Count().ShouldBe(2);
        (await alex.SubmitAsync(both, PeopleWorld.Fields(job: "Peripatetic music teacher"))).Text.ShouldContain("Saved Bob Both's details.");

        var form = await alex.GetAsync("/people/new");
        form.Document.QuerySelectorAll("input[name='Person.SchoolIds'][checked]").Count().ShouldBe(0);
        var added = await alex.SubmitAsync(form, PeopleWorld.Fields("Cal", "Central", "cal.central@trust.test"));
        added.Text.ShouldContain("Added Cal Central.");

        await using var ctx = db.Context();
        (await ctx.People.SingleAsync(p => p.Id == w.Both.Id)).JobTitle.ShouldBe("Peripatetic music teacher");
        (await ctx.People.Include(p => p.Schools).SingleAsync(p => p.FamilyName == "Central" && p.GivenName == "Cal")).Schools.ShouldBeEmpty();
    }
}
