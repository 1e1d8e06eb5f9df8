using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>A handler who holds two receiving roles has an inbox for each, named as their school names the role.</summary>
public sealed class RoleInboxTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    [Theory, BothDatabases]
    internal async Task A_head_who_is_also_the_DSL_has_an_inbox_per_role_under_the_schools_names(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            ctx.RoleLabels.Add(new RoleLabel { SchoolId = w.B.Id, Role = Role.Dsl, Label = "Safeguarding Lead" });
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var message = await BreachLogTests.ReportAsync(app, w.BirchTeacher, w.B.Id, ReportKinds.OffensiveMessage, answers: new() { ["channel"] = "Class chat" });
        var breach = await BreachLogTests.ReportAsync(app, w.BirchTeacher, w.B.Id, ReportKinds.DataBreach, answers: new() { ["aware-at"] = "2026-11-23 08:00", ["data"] = "Names" });

        var head = app.Browse();
        await head.SignInAsync(w.BirchHead.Email!, Seed.Password);
        var all = await head.GetAsync("/incidents");
        var inboxes = all.Document.QuerySelector("#inboxes")!.TextContent;
        inboxes.ShouldContain("As Safeguarding Lead (1 open)");
        inboxes.ShouldContain("As Head (1 open)");
        all.Document.QuerySelector("#inbox")!.TextContent.ShouldContain(message.Reference);
        all.Document.QuerySelector("#inbox")!.TextContent.ShouldContain(breach.Reference);

        var asHead = await head.GetAsync("/incidents?As=head");
        var rows = asHead.Document.QuerySelector("#inbox")!.TextContent;
        rows.ShouldContain(breach.Reference);
        rows.ShouldNotContain(message.Reference);
        rows.ShouldContain("Head");

        var asDsl = await head.GetAsync("/incidents?As=dsl");
        asDsl.Document.QuerySelector("#inbox")!.TextContent.ShouldContain(message.Reference);
        asDsl.Document.QuerySelector("#inbox")!.TextContent.ShouldNotContain(breach.Reference);

        // A role they do not receive reports as is a clear error, not an empty list that looks like nothing to do.
        var wrong = await head.GetAsync("/incidents?As=it-lead");
        wrong.Errors.ShouldContain("Choose one of the roles you receive reports as");

        // Their home page names the roles as the school does, with SafeUse's name beside it.
        var home = await head.GetAsync("/");
        home.Text.ShouldContain("Safeguarding Lead (Designated Safeguarding Lead), " + w.B.Name);

        // The teacher who holds no receiving role has no inboxes to choose from.
        var teacher = app.Browse();
        await teacher.SignInAsync(w.BirchTeacher.Email!, Seed.Password);
        (await teacher.GetAsync("/incidents")).Document.QuerySelector("#inboxes").ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task The_schools_page_shows_each_schools_own_name_for_a_role(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            ctx.RoleLabels.Add(new RoleLabel { SchoolId = w.A.Id, Role = Role.OnlineSafetyLead, Label = "Computing Leader" });
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var admin = app.Browse();
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        var page = await admin.GetAsync("/schools");
        var alder = page.Document.QuerySelectorAll("table").First(t => t.TextContent.Contains(w.Digital.FullName));
        alder.TextContent.ShouldContain("Computing Leader");
        var birch = page.Document.QuerySelectorAll("table").First(t => t.QuerySelector("caption")!.TextContent.Contains(w.B.Name));
        birch.TextContent.ShouldNotContain("Computing Leader");
    }
}
