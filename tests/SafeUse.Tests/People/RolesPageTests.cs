using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

/// <summary>Giving and removing roles on Schools and roles.</summary>
public sealed class RolesPageTests
{
    [Theory, BothDatabases]
    internal async Task Give_role_is_for_the_first_school_the_giver_administers_unless_they_choose_the_whole_trust(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var roles = await alex.GetAsync("/schools");
        var where = roles.Document.QuerySelector<IHtmlSelectElement>("#Grant_SchoolId")!;
        where.Options.First(o => o.IsSelected).TextContent.ShouldBe("Alder School");
        where.Options.Select(o => o.TextContent).ShouldContain("The whole trust");
        var given = await alex.SubmitAsync(roles, new Dictionary<string, string> { ["Grant.Email"] = w.StaffA.Email!, ["Grant.Role"] = "Dsl" }, "form[action*='Grant']");
        given.Text.ShouldContain("Ann Ash is now Designated Safeguarding Lead for Alder School.");

        await using var ctx = db.Context();
        (await ctx.RoleAssignments.SingleAsync(r => r.PersonId == w.StaffA.Id && r.Role == Role.Dsl)).SchoolId.ShouldBe(w.A.Id);
    }

    [Theory, BothDatabases]
    internal async Task Give_role_with_no_email_asks_for_the_email_of_the_member_of_staff(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);

        var roles = await sam.GetAsync("/schools");
        var refused = await sam.SubmitAsync(roles, new Dictionary<string, string> { ["Grant.Email"] = "  ", ["Grant.Role"] = "Dsl" }, "form[action*='Grant']");
        refused.Document.QuerySelectorAll(".govuk-error-summary__list li").Select(e => e.TextContent.Trim()).ShouldBe(["Enter the email address of the member of staff"]);
        refused.Document.QuerySelector(".govuk-error-summary__list a")!.GetAttribute("href").ShouldBe("#Grant_Email");
        refused.Text.ShouldNotContain("No current member of staff");
        // The choices made are kept for the second try.
        refused.Document.QuerySelector<IHtmlSelectElement>("#Grant_Role")!.Value.ShouldBe("Dsl");

        var unknown = await sam.SubmitAsync(roles, new Dictionary<string, string> { ["Grant.Email"] = w.StaffB.Email!, ["Grant.Role"] = "Dsl" }, "form[action*='Grant']");
        unknown.Errors.ShouldContain("No current member of staff in your schools has that email address");
        await using var ctx = db.Context();
        (await ctx.RoleAssignments.CountAsync(r => r.Role == Role.Dsl)).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Removing_a_role_asks_to_confirm_and_only_the_confirmation_removes_it(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);
        var hana = await w.SignInAsync(w.HeadA);

        var roles = await sam.GetAsync("/schools");
        var remove = $"form[action='/schools/remove-role']:has(a[href='/people/{w.HeadA.Id}'])";
        var confirm = await sam.SubmitAsync(roles, new Dictionary<string, string>(), remove);
        confirm.Heading.ShouldBe("Remove Hana Head as Head for Alder School?");
        await using (var ctx = db.Context())
        {
            (await ctx.RoleAssignments.CountAsync(r => r.PersonId == w.HeadA.Id && r.Role == Role.Head)).ShouldBe(1);
        }

        var done = await sam.SubmitAsync(confirm, new Dictionary<string, string>());
        done.Url.ShouldEndWith("/schools");
        done.Text.ShouldContain("Removed Head from Hana Head.");
        await using (var ctx = db.Context())
        {
            (await ctx.RoleAssignments.CountAsync(r => r.PersonId == w.HeadA.Id && r.Role == Role.Head)).ShouldBe(0);
            (await ctx.AuditEvents.CountAsync(e => e.Action == "person.role-removed")).ShouldBe(1);
        }

        // Her session ends with the role, so she cannot go on using what it allowed.
        (await hana.GetAsync("/people")).Url.ShouldContain("/account/sign-in");
    }

    [Theory, BothDatabases]
    internal async Task A_school_administrator_cannot_remove_a_role_elsewhere_or_their_own_administrator_role_even_with_a_crafted_confirmation(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        long headB, dpo, samAdmin;
        await using (var ctx = db.Context())
        {
            headB = await ctx.RoleAssignments.Where(r => r.PersonId == w.HeadB.Id && r.Role == Role.Head).Select(r => r.Id).SingleAsync();
            dpo = await ctx.RoleAssignments.Where(r => r.PersonId == w.Central.Id && r.Role == Role.Dpo).Select(r => r.Id).SingleAsync();
            samAdmin = await ctx.RoleAssignments.Where(r => r.PersonId == w.SchoolAdmin.Id && r.Role == Role.Administrator).Select(r => r.Id).SingleAsync();
        }

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var roles = await sam.GetAsync("/schools");
        var own = await sam.SubmitAsync(roles, new Dictionary<string, string> { ["AssignmentId"] = samAdmin.ToString(), ["Confirm"] = "true" }, "form[action='/schools/remove-role']");
        own.Errors.ShouldContain("You cannot remove your own administrator role: ask another administrator");
        foreach (var other in new[] { headB, dpo })
        {
            var crafted = await sam.SubmitAsync(roles, new Dictionary<string, string> { ["AssignmentId"] = other.ToString(), ["Confirm"] = "true" }, "form[action='/schools/remove-role']");
            crafted.Status.ShouldBe(HttpStatusCode.NotFound);
            (await sam.GetAsync($"/schools/remove-role?assignmentId={other}")).Status.ShouldBe(HttpStatusCode.NotFound);
        }

        await using var check = db.Context();
        (await check.RoleAssignments.CountAsync(r => r.Id == headB || r.Id == dpo || r.Id == samAdmin)).ShouldBe(3);
        (await check.AuditEvents.CountAsync(e => e.Action == "person.role-removed")).ShouldBe(0);
    }
}
