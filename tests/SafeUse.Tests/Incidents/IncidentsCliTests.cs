using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>`safeuse incidents export` run as the published program runs it, on both databases.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class IncidentsCliTests
{
    [Theory, BothDatabases]
    internal async Task The_operator_exports_a_schools_incidents_with_the_breach_columns_and_restricted_records_only_on_request_and_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        Incident breach, filtering, conduct, birch;
        await using (var app = new AppFactory(db, new FakeTime(), new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }))
        {
            breach = await BreachLogTests.ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.DataBreach, answers: new() { ["aware-at"] = "2026-11-23 08:00", ["data"] = "Names" });
            filtering = await BreachLogTests.ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.FilteringFailure, answers: new() { ["address"] = "bet.example", ["direction"] = "yes" });
            conduct = await BreachLogTests.ReportAsync(app, w.Teacher, w.A.Id, ReportKinds.StaffConduct, subjectId: w.Manager.Id);
            birch = await BreachLogTests.ReportAsync(app, w.BirchTeacher, w.B.Id, ReportKinds.DataBreach, answers: new() { ["aware-at"] = "2026-11-23 08:00", ["data"] = "Names" });
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IncidentService>().BreachAsync(breach.Id,
                new BreachInput("Sent to the wrong parent.", "Pupils: names", "12", "12", "Low", "=cmd|' /C calc'!A0", "no", "Low risk, one recipient", null, null, "no", "No risk to them"),
                new Actor(w.Dpo.Id, w.Dpo.FullName), CancellationToken.None);
        }

        string[] Args(params string[] more) => ["incidents", "export", .. more, "--database-provider", kind.ToString(), "--connection-string", db.ConnectionString, "--data-dir", db.DataDirectory];

        var csv = await CapturedCli.RunAsync(Args("--school", "alder SCHOOL"));
        csv.ExitCode.ShouldBe(0, csv.ToString());
        var lines = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("reference,kind,status,created,aware_at,outcome,reported_to_ico,reasons,ico_reference,ico_reported_at,categories,people,records,consequences,measures,people_told,why_not_told");
        lines.Length.ShouldBe(3);
        lines.ShouldContain($"{breach.Reference},data-breach,Received,2026-11-23 09:00,2026-11-23 08:00,,no,\"Low risk, one recipient\",,,Pupils: names,12,12,Low,'=cmd|' /C calc'!A0,no,No risk to them");
        lines.ShouldContain($"{filtering.Reference},filtering-failure,Received,2026-11-23 09:00,,,,,,,,,,,,,");
        csv.Out.ShouldNotContain(conduct.Reference);
        csv.Out.ShouldNotContain(birch.Reference);
        (await db.Context().AuditEvents.CountAsync(e => e.Action == "incidents.exported-restricted")).ShouldBe(0);

        var json = await CapturedCli.RunAsync(Args("--school", w.A.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--kind", "data-breach", "--format", "json", "--from", "2026-11-23", "--to", "2026-11-23"));
        json.ExitCode.ShouldBe(0, json.ToString());
        var rows = JsonSerializer.Deserialize<List<Dictionary<string, string?>>>(json.Out)!;
        rows.Count.ShouldBe(1);
        rows[0]["reference"].ShouldBe(breach.Reference);
        rows[0]["reported_to_ico"].ShouldBe("no");
        rows[0]["people"].ShouldBe("12");
        (await CapturedCli.RunAsync(Args("--school", "Alder School", "--from", "2026-11-24"))).Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);

        var all = await CapturedCli.RunAsync(Args("--school", "Alder School", "--include-restricted"));
        all.ExitCode.ShouldBe(0, all.ToString());
        all.Out.ShouldContain($"{conduct.Reference},staff-conduct,");
        var audited = await db.Context().AuditEvents.SingleAsync(e => e.Action == "incidents.exported-restricted");
        audited.ActorPersonId.ShouldBeNull();
        audited.ActorName.ShouldBe(Actor.System.Name);

        foreach (var (args, named) in new (string[] Args, string Named)[]
        {
            (["--school", "Nowhere School"], "--school"),
            (["--school", "Alder School", "--kind", "gossip"], "--kind"),
            (["--school", "Alder School", "--from", "2026-02-30"], "--from"),
            (["--school", "Alder School", "--to", "30/11/2026"], "--to"),
            (["--school", "Alder School", "--from", "2026-12-01", "--to", "2026-11-01"], "--from"),
            (["--school", "Alder School", "--format", "xml"], "--format"),
        })
        {
            var bad = await CapturedCli.RunAsync(Args(args));
            bad.ExitCode.ShouldBe(2, bad.ToString());
            bad.Out.ShouldBeEmpty();
            bad.Error.Trim().Split('\n').Length.ShouldBe(1, bad.ToString());
            bad.Error.ShouldStartWith("error: " + named, customMessage: bad.ToString());
            bad.Crashed.ShouldBeFalse();
        }
    }
}
