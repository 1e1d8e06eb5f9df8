using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Auth;

public sealed class AuthorizationTests
{

    [Theory, BothDatabases]
    internal async Task Every_endpoint_states_who_may_use_it(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db);
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Count.ShouldBeGreaterThan(10);
        var unstated = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        unstated.ShouldBeEmpty();
    }

    [Theory, BothDatabases]
    internal async Task An_administrator_of_school_A_cannot_read_or_change_anything_of_school_B(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db);
        _ = app.Server;
        long bPerson, bSchool;
        await using (var ctx = db.Context())
        {
            var (trust, a, b) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Amy", "Admin", (Role.Administrator, a));
            await Seed.PersonAsync(ctx, trust, a, "Alan", "Able");
            bPerson = (await Seed.PersonAsync(ctx, trust, b, "Bella", "Birch")).Id;
            bSchool = b.Id;
        }

        var browser = app.Browse();
        (await browser.SignInAsync("amy.admin@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Amy");

        var list = await browser.GetAsync("/people");
        list.Text.ShouldContain("Able, Alan");
        list.Text.ShouldNotContain("Birch");
        (await browser.GetAsync($"/people?school={bSchool}")).Text.ShouldNotContain("Birch");
        (await browser.GetAsync($"/people/{bPerson}")).Status.ShouldBe(HttpStatusCode.NotFound);

        var import = await browser.GetAsync("/people/import");
        import.Document.QuerySelectorAll("#SchoolId option").Select(o => o.TextContent).ShouldBe(["Alder School"]);
        var csv = "Preferred Forename,Legal Surname,Work Email\nEve,Intruder,eve@x.sch.uk\n"u8.ToArray();
        var refused = await browser.SubmitAsync(import, new Dictionary<string, string> { ["SchoolId"] = bSchool.ToString() }, files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("staff.csv", csv) });
        refused.Errors.ShouldContain("Select a school");

        var roles = await browser.GetAsync("/schools");
        roles.Text.ShouldNotContain("Birch School");
        var grant = await browser.SubmitAsync(roles, new Dictionary<string, string> { ["Grant.Email"] = "bella.birch@test.sch.uk", ["Grant.Role"] = "Dsl", ["Grant.SchoolId"] = bSchool.ToString() }, "form[action*='Grant']");
        grant.Errors.ShouldNotBeEmpty();

        (await browser.GetAsync("/outbox")).Status.ShouldBe(HttpStatusCode.Forbidden);
        await using var check = db.Context();
        (await check.RoleAssignments.CountAsync(r => r.PersonId == bPerson && r.Role == Role.Dsl)).ShouldBe(0);
        (await check.People.CountAsync(p => p.FamilyName == "Intruder")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_member_of_staff_without_a_leadership_role_cannot_open_people_or_audit(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db);
        await SignInTests.SeedAsync(app);
        var browser = app.Browse();
        await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        (await browser.GetAsync("/people")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await browser.GetAsync("/audit")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await browser.GetAsync("/schools")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
