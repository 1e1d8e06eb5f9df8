using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Monitoring;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.People;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Monitoring;

public sealed class MonitoringSetupTests
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string ListsIn(TestDatabase db)
    {
        var lists = Path.Combine(db.DataDirectory, "monitoring", "lists");
        foreach (var category in new[] { "gambling", "social" })
        {
            Directory.CreateDirectory(Path.Combine(lists, category));
            File.WriteAllText(Path.Combine(lists, category, "domains"), $"{category}.example\n");
        }

        return lists;
    }

    [Theory, BothDatabases]
    internal async Task Rules_with_an_error_are_refused_with_the_engines_line_and_field_and_nothing_is_saved(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var lists = ListsIn(db);
        var sam = await w.SignInAsync(w.SchoolAdmin);
        var form = await sam.GetAsync($"/monitoring/{Id(w.A.Id)}/rules");
        form.Status.ShouldBe(HttpStatusCode.OK);

        var bad = IngestWorld.Rules.Replace("categories: [social]", "categories: [socail]", StringComparison.Ordinal);
        var refused = await sam.SubmitAsync(form, new Dictionary<string, string> { ["ListsPath"] = lists, ["RulesYaml"] = bad });
        refused.Document.QuerySelector("#RulesYaml-error")!.TextContent.ShouldContain("Line 11: categories:");
        refused.Document.QuerySelector("#RulesYaml-error")!.TextContent.ShouldContain("socail");
        refused.Document.QuerySelector("#RulesYaml")!.TextContent.ShouldContain("socail");

        var missing = await sam.SubmitAsync(form, new Dictionary<string, string> { ["ListsPath"] = lists + "-not-there", ["RulesYaml"] = IngestWorld.Rules });
        missing.Errors.ShouldContain($"There is no folder {lists}-not-there on the server");
        await using (var ctx = db.Context())
        {
            (await ctx.MonitoringSetups.CountAsync()).ShouldBe(0);
        }

        var saved = await sam.SubmitAsync(form, new Dictionary<string, string> { ["ListsPath"] = lists, ["RulesYaml"] = IngestWorld.Rules });
        saved.Text.ShouldContain("Saved 2 rules.");
        saved.Document.QuerySelectorAll("#categories li").Select(l => l.TextContent).ShouldBe(["gambling", "social"], ignoreOrder: true);
        saved.Document.QuerySelector("#RulesYaml")!.TextContent.ShouldContain("staff-social");

        // A second save over the version the page was read at is accepted; one over an older version is refused.
        var again = await sam.SubmitAsync(saved, new Dictionary<string, string>());
        again.Text.ShouldContain("Saved 2 rules.");
        var stale = await sam.SubmitAsync(saved, new Dictionary<string, string>());
        stale.Errors.ShouldContain(e => e.Contains("Someone else saved these rules", StringComparison.Ordinal));

        await using var check = db.Context();
        (await check.MonitoringSetups.SingleAsync()).Version.ShouldBe(2);
        (await check.AuditEvents.CountAsync(e => e.Action == "monitoring.rules-saved")).ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task Test_this_source_shows_the_format_and_each_line_of_the_newest_file_and_a_saved_source_is_listed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var logs = Path.Combine(db.DataDirectory, "monitoring", "logs");
        Directory.CreateDirectory(logs);
        var older = Path.Combine(logs, "access.log.1.gz");
        await using (var gz = new GZipStream(File.Create(older), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(IngestWorld.Line(0, "jdoyle")));
        }

        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddHours(-1));
        await File.WriteAllTextAsync(Path.Combine(logs, "access.log"), IngestWorld.Line(1, "stranger") + "not a log line\n", new UTF8Encoding(false));

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var form = await sam.GetAsync($"/monitoring/{Id(w.A.Id)}/sources");
        form.Document.QuerySelector("main form")!.SetAttribute("action", $"/monitoring/{Id(w.A.Id)}/sources?handler=Test");
        var tested = await sam.SubmitAsync(form, new Dictionary<string, string> { ["Source.Name"] = "Proxy", ["Source.Path"] = Path.Combine(logs, "access.log*") });
        tested.Text.ShouldContain("Recognised format: squid (native).");
        var rows = tested.Document.QuerySelectorAll("#preview tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToList()).ToList();
        rows.Count.ShouldBe(2);
        rows[0][2].ShouldBe("stranger");
        rows[0][4].ShouldBe("http://poker-palace.example/page");
        rows[1][1].ShouldStartWith("Skipped: ");

        // The older, compressed file is read through too.
        form = await sam.GetAsync($"/monitoring/{Id(w.A.Id)}/sources");
        form.Document.QuerySelector("main form")!.SetAttribute("action", $"/monitoring/{Id(w.A.Id)}/sources?handler=Test");
        var gzTested = await sam.SubmitAsync(form, new Dictionary<string, string> { ["Source.Path"] = older });
        gzTested.Document.QuerySelectorAll("#preview tbody tr").Single().Children[2].TextContent.ShouldBe("jdoyle");

        form = await sam.GetAsync($"/monitoring/{Id(w.A.Id)}/sources");
        var refused = await sam.SubmitAsync(form, new Dictionary<string, string> { ["Source.Name"] = "", ["Source.Path"] = Path.Combine(logs, "nothing*"), ["Source.TimeZone"] = "Mars/Olympus" });
        refused.Errors.Where(e => !e.StartsWith("Error:", StringComparison.Ordinal)).ShouldBe([
            "Enter a name for the source, like \"Proxy\"", $"No file on the server matches {Path.Combine(logs, "nothing*")}", "Enter a time zone like Europe/London",
        ], ignoreOrder: true);

        var saved = await sam.SubmitAsync(form, new Dictionary<string, string> { ["Source.Name"] = "Proxy", ["Source.Path"] = Path.Combine(logs, "access.log*"), ["Source.Format"] = "squid" });
        saved.Text.ShouldContain("Saved the source Proxy.");
        saved.Document.QuerySelector("#sources tbody tr")!.TextContent.ShouldContain("access.log*");
        await using var ctx = db.Context();
        var source = await ctx.LogSources.SingleAsync();
        (source.SchoolId, source.Format, source.Enabled).ShouldBe((w.A.Id, "squid", true));
        (await ctx.AuditEvents.CountAsync(e => e.Action == "monitoring.source-added")).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task The_alert_list_shows_who_and_what_rule_but_never_the_url_or_search_text(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            var at = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
            ctx.Alerts.AddRange(
                new Alert { SchoolId = w.A.Id, PersonId = w.StaffA.Id, Ip = "10.0.0.4", Host = "search.example", Url = "http://search.example/?q=secret+words", SearchText = "secret words", RuleId = "self-harm-search", Clause = "6", Severity = "critical", Count = 3, FirstAt = at, LastAt = at.AddMinutes(20), CreatedAt = at },
                new Alert { SchoolId = w.A.Id, Ip = "10.0.0.9", Host = "poker.example", Url = "http://poker.example/hidden-path", RuleId = "gambling", Severity = "high", FirstAt = at, LastAt = at, CreatedAt = at },
                new Alert { SchoolId = w.B.Id, Ip = "10.0.0.7", Host = "poker.example", Url = "http://poker.example/", RuleId = "school-b-rule", Severity = "high", FirstAt = at, LastAt = at, CreatedAt = at },
                // An alert about the Head herself: never on her own list.
                new Alert { SchoolId = w.A.Id, PersonId = w.HeadA.Id, Ip = "10.0.0.5", Host = "shop.example", Url = "http://shop.example/", RuleId = "about-the-head", Severity = "low", FirstAt = at, LastAt = at, CreatedAt = at });
            await ctx.SaveChangesAsync();
        }

        var hana = await w.SignInAsync(w.HeadA);
        var page = await hana.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts");
        page.Status.ShouldBe(HttpStatusCode.OK);
        var rows = page.Document.QuerySelectorAll("#alerts tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToList()).ToList();
        rows.Select(r => (r[1], r[2], r[3], r[4], r[5], r[6])).ShouldBe([
            ("Ann Ash", "self-harm-search", "6", "critical", "New", "3"),
            ("Unattributed (10.0.0.9)", "gambling", "", "high", "New", "1"),
        ], ignoreOrder: true);
        page.Html.ShouldNotContain("secret");
        page.Html.ShouldNotContain("hidden-path");
        page.Html.ShouldNotContain("school-b-rule");
        page.Html.ShouldNotContain("about-the-head");
        // The school's administrator does see it.
        var sam = await w.SignInAsync(w.SchoolAdmin);
        (await sam.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts")).Html.ShouldContain("about-the-head");

        // An alert's own page shows the address and the search text, and each opening is audited without them.
        long searchAlert, headAlert, otherSchool;
        await using (var ctx = db.Context())
        {
            searchAlert = await ctx.Alerts.Where(a => a.RuleId == "self-harm-search").Select(a => a.Id).SingleAsync();
            headAlert = await ctx.Alerts.Where(a => a.RuleId == "about-the-head").Select(a => a.Id).SingleAsync();
            otherSchool = await ctx.Alerts.Where(a => a.RuleId == "school-b-rule").Select(a => a.Id).SingleAsync();
        }

        var detail = await hana.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts/{Id(searchAlert)}");
        detail.Status.ShouldBe(HttpStatusCode.OK);
        detail.Document.QuerySelector("#url")!.TextContent.ShouldContain("http://search.example/?q=secret+words");
        detail.Document.QuerySelector("#search-text")!.TextContent.ShouldBe("secret words");
        page.Document.QuerySelector($"a[href='/monitoring/{Id(w.A.Id)}/alerts/{Id(searchAlert)}']").ShouldNotBeNull();
        // Her own alert, another school's (even through this school's address), and one that does not exist: not found.
        (await hana.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts/{Id(headAlert)}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await hana.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts/{Id(otherSchool)}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await hana.GetAsync($"/monitoring/{Id(w.B.Id)}/alerts/{Id(otherSchool)}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var staff = await w.SignInAsync(w.StaffA);
        (await staff.GetAsync($"/monitoring/{Id(w.A.Id)}/alerts/{Id(searchAlert)}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        await using (var ctx = db.Context())
        {
            var viewed = await ctx.AuditEvents.Where(e => e.Action == "monitoring.alert-viewed").ToListAsync();
            viewed.Count.ShouldBe(1);
            viewed[0].ActorPersonId.ShouldBe(w.HeadA.Id);
            viewed[0].Summary.ShouldNotContain("secret");
            viewed[0].Summary.ShouldNotContain("search.example");
        }
    }

    [Theory, BothDatabases]
    internal async Task Every_monitoring_page_refuses_other_schools_plain_staff_and_strangers(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        Person adminB, osl, dsl;
        await using (var ctx = db.Context())
        {
            adminB = await Seed.PersonAsync(ctx, w.Trust, w.B, "Bo", "Badmin", (Role.Administrator, w.B));
            osl = await Seed.PersonAsync(ctx, w.Trust, w.A, "Olu", "Safe", (Role.OnlineSafetyLead, w.A));
            dsl = await Seed.PersonAsync(ctx, w.Trust, w.A, "Dana", "Dsl", (Role.Dsl, w.A));
        }

        string[] setUp = [$"/monitoring/{Id(w.A.Id)}/sources", $"/monitoring/{Id(w.A.Id)}/rules"];
        var alerts = $"/monitoring/{Id(w.A.Id)}/alerts";

        var anonymous = w.App.Browse();
        foreach (var url in setUp.Append(alerts))
        {
            (await anonymous.GetAsync(url)).Url.ShouldContain("/account/sign-in");
        }

        async Task ExpectAsync(Person who, HttpStatusCode sources, HttpStatusCode alertList)
        {
            var browser = await w.SignInAsync(who);
            foreach (var url in setUp)
            {
                (await browser.GetAsync(url)).Status.ShouldBe(sources, $"{who.GivenName} GET {url}");
            }

            (await browser.GetAsync(alerts)).Status.ShouldBe(alertList, $"{who.GivenName} GET {alerts}");
        }

        await ExpectAsync(w.TrustAdmin, HttpStatusCode.OK, HttpStatusCode.OK);
        await ExpectAsync(w.SchoolAdmin, HttpStatusCode.OK, HttpStatusCode.OK);
        await ExpectAsync(osl, HttpStatusCode.OK, HttpStatusCode.OK);
        await ExpectAsync(dsl, HttpStatusCode.Forbidden, HttpStatusCode.OK);
        await ExpectAsync(w.HeadA, HttpStatusCode.Forbidden, HttpStatusCode.OK);
        await ExpectAsync(adminB, HttpStatusCode.NotFound, HttpStatusCode.NotFound);
        await ExpectAsync(w.HeadB, HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        await ExpectAsync(w.StaffA, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden);
        await ExpectAsync(w.ItLead, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden);

        // Posting is refused alike: B's administrator cannot save rules or sources for school A.
        var bo = await w.SignInAsync(adminB);
        var own = await bo.GetAsync($"/monitoring/{Id(w.B.Id)}/rules");
        own.Document.QuerySelector("main form")!.SetAttribute("action", $"/monitoring/{Id(w.A.Id)}/rules");
        (await bo.SubmitAsync(own, new Dictionary<string, string> { ["ListsPath"] = "/tmp", ["RulesYaml"] = IngestWorld.Rules })).Status.ShouldBe(HttpStatusCode.NotFound);
        await using var check = db.Context();
        (await check.MonitoringSetups.CountAsync()).ShouldBe(0);
    }
}
