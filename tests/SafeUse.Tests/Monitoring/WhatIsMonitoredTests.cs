using System.Net;
using SafeUse.Features.Monitoring;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.People;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Monitoring;

/// <summary>"What is monitored": every member of staff reads, in words made from their own school's rules, what is checked.</summary>
public sealed class WhatIsMonitoredTests
{
    private const string Rules = """
        timezone: Europe/London
        periods:
          school-day: { days: [mon, tue, wed, thu, fri], from: "08:30", to: "15:30" }
        rules:
          - id: gambling
            clause: "5"
            categories: [gambling]
            who: [any, unattributed]
            severity: high
            notify: [dsl]
          - id: staff-social
            clause: "5.2"
            categories: [social]
            who: [staff]
            when: school-day
            severity: low
            notify: [line-manager]
        """;

    [Theory, BothDatabases]
    internal async Task Staff_read_their_schools_rules_in_words_and_a_school_without_monitoring_says_so(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var lists = Path.Combine(db.DataDirectory, "monitoring", "lists");
        foreach (var category in new[] { "gambling", "social" })
        {
            Directory.CreateDirectory(Path.Combine(lists, category));
            await File.WriteAllTextAsync(Path.Combine(lists, category, "domains"), $"{category}.example\n");
        }

        await using (var ctx = db.Context())
        {
            ctx.MonitoringSetups.Add(new MonitoringSetup { SchoolId = w.A.Id, RulesYaml = Rules, ListsPath = lists, Version = 1, UpdatedAt = DateTime.UtcNow });
            ctx.LogSources.Add(new LogSource { SchoolId = w.A.Id, Name = "Filter log", Path = Path.Combine(db.DataDirectory, "access.log"), Format = "auto", TimeZone = "Europe/London", Enabled = true });
            await ctx.SaveChangesAsync();
        }

        var staff = await w.SignInAsync(w.StaffA);
        (await staff.GetAsync("/")).Document.QuerySelector("#what-is-monitored").ShouldNotBeNull();
        var page = await staff.GetAsync("/monitoring/what-is-monitored");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Heading.ShouldBe("What is monitored");
        var rows = page.Document.QuerySelectorAll("table[data-rules] tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        rows.Count.ShouldBe(2);
        rows[0][0].ShouldStartWith("Visiting sites in these categories: gambling");
        rows[0][1].ShouldContain("Everyone");
        rows[0][1].ShouldContain("requests SafeUse cannot link to a person");
        rows[0][2].ShouldBe("At any time");
        rows[0][3].ShouldBe("Designated Safeguarding Lead");
        rows[0][4].ShouldBe("5");
        rows[1][1].ShouldBe("Staff");
        rows[1][2].ShouldStartWith("Monday, Tuesday, Wednesday, Thursday, Friday; from 08:30 to 15:30");
        rows[1][3].ShouldBe("Line manager");
        page.Text.ShouldContain("Logs read: Filter log");

        // A member of staff at the other school, where nothing is read, is told so.
        var other = await w.SignInAsync(w.StaffB);
        var none = await other.GetAsync("/monitoring/what-is-monitored");
        none.Document.QuerySelector("[data-not-monitored]").ShouldNotBeNull();
        none.Document.QuerySelector("table[data-rules]").ShouldBeNull();

        (await w.App.Browse().GetAsync("/monitoring/what-is-monitored")).Url.ShouldContain("/account/sign-in");
    }
}
