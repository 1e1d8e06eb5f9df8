using System.Globalization;
using System.Net;
using System.Text;
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

/// <summary>
/// Every role against every kind of report: a teacher at Alder makes one report of each kind (the conduct concern about
/// a colleague), and each person, in every role the trust has, opens each record by its id, looks in their inbox, and
/// tries to add a note and download the file attached to it (every kind that takes files; the school lets conduct
/// concerns take them too, so a restricted record's file is in the matrix). Only the people each kind's default route names may; everyone else gets "not found", as if
/// the record did not exist. The expectations are written out, not computed from the routing code.
/// </summary>
public sealed class AccessMatrixTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private static readonly Dictionary<string, string?[]> Answers = new()
    {
        [ReportKinds.AccidentalAccess] = [],
        [ReportKinds.Misuse] = [],
        [ReportKinds.OffensiveMessage] = ["channel", "Class chat"],
        [ReportKinds.IllegalContent] = ["location", "Laptop LAP-7, locked in the Head's office", "secured-by", "The IT lead", "secured-at", "2026-11-23 08:00"],
        [ReportKinds.LostDevice] = ["device", "LAP-9", "last-seen", "Staff room, Friday", "held-personal-data", "no"],
        [ReportKinds.DataBreach] = ["aware-at", "2026-11-23 08:00", "data", "Year 6 reading ages"],
        [ReportKinds.DamagedDevice] = ["device", "Projector in room 4"],
        [ReportKinds.FilteringFailure] = ["address", "https://example.test", "direction", "yes"],
        [ReportKinds.StaffConduct] = [],
        [ReportKinds.Other] = [],
    };

    [Theory, BothDatabases]
    internal async Task Each_role_reaches_exactly_the_kinds_its_route_names_and_nobody_else_reaches_any(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        Person deputy, senior, governor, schoolAdmin, executive, colleague, subject;
        await using (var ctx = db.Context())
        {
            var trust = await ctx.Trusts.SingleAsync();
            var a = await ctx.Schools.SingleAsync(s => s.Id == w.A.Id);
            deputy = await Seed.PersonAsync(ctx, trust, a, "Dara", "Deputy", (Role.DeputyDsl, a));
            senior = await Seed.PersonAsync(ctx, trust, a, "Sol", "Senior", (Role.SeniorLeader, a));
            governor = await Seed.PersonAsync(ctx, trust, null, "Gil", "Governor", (Role.Governor, a));
            schoolAdmin = await Seed.PersonAsync(ctx, trust, a, "Sid", "Office", (Role.Administrator, a));
            executive = await Seed.PersonAsync(ctx, trust, null, "Eve", "Exec", (Role.ExecutiveLeader, null));
            colleague = await Seed.PersonAsync(ctx, trust, a, "Col", "League");
            subject = await Seed.PersonAsync(ctx, trust, a, "Sam", "Subject");
            foreach (var k in ReportKinds.All.Where(k => !k.DefaultAttachments && !k.AttachmentsForbidden))
            {
                var withFiles = IncidentService.Default(a.Id, k);
                withFiles.AttachmentsAllowed = true;
                ctx.ReportKindSettings.Add(withFiles);
            }

            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var made = new Dictionary<string, Incident>();
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        foreach (var (code, pairs) in Answers)
        {
            var answers = new Dictionary<string, string?>();
            for (var i = 0; i < pairs.Length; i += 2)
            {
                answers[pairs[i]!] = pairs[i + 1];
            }

            await using var scope = app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<IncidentService>();
            var setting = (await service.KindsAsync(w.A.Id, CancellationToken.None)).Single(k => k.Kind.Code == code);
            var stored = new List<StoredAttachment>();
            if (AttachmentStore.Refusal(setting.Kind, setting.Setting) is null)
            {
                var (checkedFiles, problems) = await AttachmentStore.CheckAsync(setting.Kind, setting.Setting, [new AttachmentUpload("evidence.pdf", pdf.Length, () => new MemoryStream(pdf))], CancellationToken.None);
                problems.ShouldBeEmpty();
                stored = await scope.ServiceProvider.GetRequiredService<AttachmentStore>().StoreAsync(checkedFiles, CancellationToken.None);
            }

            made[code] = await service.ReportAsync(new ReportInput(w.A.Id, code, "What happened, in the reporter's words.", null, code == ReportKinds.StaffConduct ? subject.Id : null, null, answers),
                new Actor(w.Teacher.Id, w.Teacher.FullName), stored, CancellationToken.None);
        }

        var files = await db.Context().IncidentAttachments.ToDictionaryAsync(f => f.IncidentId, f => f.Id);
        files.Count.ShouldBe(ReportKinds.All.Count - 1, "every kind but suspected illegal content has its file");

        // Who may open each kind, by the default routes; deputies receive the DSL's reports but not a restricted record.
        var expected = new Dictionary<Person, string[]>
        {
            [w.Head] = [ReportKinds.IllegalContent, ReportKinds.DataBreach, ReportKinds.StaffConduct],
            [w.Dsl] = [ReportKinds.AccidentalAccess, ReportKinds.OffensiveMessage, ReportKinds.IllegalContent, ReportKinds.StaffConduct],
            [deputy] = [ReportKinds.AccidentalAccess, ReportKinds.OffensiveMessage, ReportKinds.IllegalContent],
            [w.ItLead] = [ReportKinds.LostDevice, ReportKinds.DamagedDevice, ReportKinds.FilteringFailure],
            [w.Digital] = [ReportKinds.AccidentalAccess, ReportKinds.Misuse, ReportKinds.OffensiveMessage, ReportKinds.FilteringFailure, ReportKinds.Other],
            [w.Dpo] = [ReportKinds.LostDevice, ReportKinds.DataBreach],
            [w.Manager] = [ReportKinds.Misuse],
            [w.Chair] = [],
            [senior] = [],
            [governor] = [],
            [schoolAdmin] = [],
            [w.Admin] = [],
            [executive] = [],
            [colleague] = [],
            [subject] = [],
            [w.Teacher] = [],
            [w.BirchHead] = [],
            [w.BirchTeacher] = [],
        };

        var wrong = new List<string>();
        foreach (var (person, kinds) in expected)
        {
            var b = app.Browse();
            await b.SignInAsync(person.Email!, Seed.Password);
            var inbox = await b.GetAsync("/incidents?Status=all");
            var listed = inbox.Document.QuerySelector("#inbox")?.TextContent ?? "";
            foreach (var (code, incident) in made)
            {
                var may = kinds.Contains(code);
                var page = await b.GetAsync($"/incidents/{incident.Id.ToString(CultureInfo.InvariantCulture)}");
                var opened = page.Status == HttpStatusCode.OK && page.Text.Contains(incident.Reference, StringComparison.Ordinal);
                if (opened != may)
                {
                    wrong.Add($"{person.FullName} {(may ? "cannot open" : "can open")} {code} (HTTP {(int)page.Status})");
                }

                if (!may && page.Status != HttpStatusCode.NotFound)
                {
                    wrong.Add($"{person.FullName} got HTTP {(int)page.Status} rather than 404 for {code}");
                }

                if (listed.Contains(incident.Reference, StringComparison.Ordinal) != may)
                {
                    wrong.Add($"{person.FullName}'s inbox {(may ? "lacks" : "lists")} {code}");
                }

                if (files.TryGetValue(incident.Id, out var fileId))
                {
                    var download = await b.Client.GetAsync($"/incidents/{incident.Id.ToString(CultureInfo.InvariantCulture)}/files/{fileId.ToString(CultureInfo.InvariantCulture)}");
                    var got = download.StatusCode == HttpStatusCode.OK && (await download.Content.ReadAsByteArrayAsync()).SequenceEqual(pdf);
                    if (got != may || (!may && download.StatusCode != HttpStatusCode.NotFound))
                    {
                        wrong.Add($"{person.FullName} downloading {code}'s file: HTTP {(int)download.StatusCode}");
                    }
                }
            }
        }

        wrong.ShouldBeEmpty();

        // Writing is refused as reading is: a note posted by someone off the route is not found and adds nothing.
        var entries = await db.Context().IncidentEntries.CountAsync();
        foreach (var outsider in new[] { w.BirchHead, w.Admin, schoolAdmin, subject })
        {
            var b = app.Browse();
            await b.SignInAsync(outsider.Email!, Seed.Password);
            var home = await b.GetAsync("/");
            var token = home.Document.QuerySelector("input[name='__RequestVerificationToken']")?.GetAttribute("value") ?? "";
            var conduct = made[ReportKinds.StaffConduct].Id.ToString(CultureInfo.InvariantCulture);
            var response = await b.Client.PostAsync($"/incidents/{conduct}?handler=Note",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["Text"] = "Injected", ["__RequestVerificationToken"] = token }));
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
        }

        (await db.Context().IncidentEntries.CountAsync()).ShouldBe(entries);

        // The reporter follows every report they made, the restricted one included, without opening the records.
        var reporter = app.Browse();
        await reporter.SignInAsync(w.Teacher.Email!, Seed.Password);
        var mine = (await reporter.GetAsync("/reports/mine")).Document.QuerySelector("#my-reports")!.TextContent;
        made.Values.ShouldAllBe(i => mine.Contains(i.Reference));
    }
}
