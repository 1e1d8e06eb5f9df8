using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Demo;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.People;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Demo;

/// <summary>
/// The safety net for each database: with the demo trust filled, the administrator and a plain member of staff open
/// every Razor Page the app routes (read from the app's endpoints, so a new page is visited without editing this test)
/// and none fails. A page with a route value this test cannot fill fails the test until it is taught one.
/// </summary>
public sealed partial class EveryPageTests
{
    private const string ErrorHeading = "Sorry, there is a problem with SafeUse";

    [Theory, BothDatabases]
    internal async Task The_administrator_and_a_member_of_staff_open_every_page_without_an_error(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        // At the address the in-process client uses, so passkeys are offered and their parts of each page are drawn too.
        await using var app = DemoTrustTests.DemoApp(db, publicUrl: "http://localhost");
        _ = app.Server;
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct()
            // The error page answers with the status it describes (500 when given none) by design.
            .Where(r => !r.StartsWith("/error", StringComparison.Ordinal))
            .ToList();
        routes.Count.ShouldBeGreaterThan(20);

        Values values;
        long staffId;
        await using (var ctx = db.Context())
        {
            var admin = await ctx.People.SingleAsync(p => p.Email == DemoTrustTests.AdminEmail);
            var staff = await ctx.People.Where(p => !p.IsLeaver && p.Roles.All(r => r.Role == Role.Staff)).OrderBy(p => p.Id).FirstAsync();
            staffId = staff.Id;
            var policy = await ctx.Policies.SingleAsync();
            var versions = await ctx.PolicyVersions.Where(v => v.PolicyId == policy.Id).OrderBy(v => v.Id).Select(v => v.Id).ToListAsync();
            var signer = await ctx.Signatures.OrderBy(s => s.Id).Select(s => s.PersonId).FirstAsync();
            var school = await ctx.Schools.OrderBy(s => s.Id).FirstAsync();
            var import = new StaffImport { SchoolId = school.Id, FileName = "staff.csv", Content = StaffImportTests.Csv(3), CreatedByPersonId = admin.Id, CreatedAt = DateTime.UtcNow };
            ctx.StaffImports.Add(import);
            // The administrator's "Add a policy" answers, every step answered, so each step and check-your-answers opens.
            var answers = new NewPolicyAnswers { Text = "## 1 Scope\n\n- All staff.\n", Done = [.. SafeUse.Features.Policies.NewModel.Steps] };
            answers.Policy.Title = "Half-made policy";
            var draft = new PolicyFormDraft { Key = new string('a', 32), PersonId = admin.Id, Answers = answers.ToJson(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            ctx.Set<PolicyFormDraft>().Add(draft);
            await ctx.SaveChangesAsync();
            var bankHoliday = await ctx.Set<SafeUse.Features.Calendar.BankHoliday>().OrderBy(h => h.Id).Select(h => h.Id).FirstAsync();
            // A report routed to the administrator (the trust's IT lead), so its page opens for them.
            var incident = await ctx.IncidentRecipients.Where(r => r.PersonId == admin.Id).OrderBy(r => r.IncidentId).Select(r => r.IncidentId).FirstAsync();
            // A file on that report, on disk as the app keeps one, so its download opens too.
            var content = "Filter log, 10:05: blocked."u8.ToArray();
            var storedName = new string('b', 32);
            var folder = Path.Combine(db.DataDirectory, "attachments");
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, storedName), content);
            var entry = await ctx.IncidentEntries.Where(e => e.IncidentId == incident).OrderBy(e => e.Id).Select(e => e.Id).FirstAsync();
            var file = new SafeUse.Features.Incidents.IncidentAttachment
            {
                IncidentId = incident, EntryId = entry, FileName = "filter-log.txt", ContentType = "text/plain", Size = content.Length,
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), StoredName = storedName,
                AddedById = admin.Id, AddedByName = "Admin", AddedAt = DateTime.UtcNow,
            };
            ctx.IncidentAttachments.Add(file);
            await ctx.SaveChangesAsync();
            // A pupil of the administrator's schools (a trust administrator reads them all), and a pupil upload to preview.
            var pupil = await ctx.Pupils.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
            var pupilImport = new SafeUse.Features.Pupils.PupilImport { SchoolId = school.Id, FileName = "pupils.csv", Content = "UPN,Legal Surname,Legal Forename,Year Group\nU820200101001,Demo,Pupil,3\n", CreatedByPersonId = admin.Id, CreatedAt = DateTime.UtcNow };
            ctx.PupilImports.Add(pupilImport);
            // A monitoring alert at that school (about nobody), so its page opens.
            var alert = new SafeUse.Features.Monitoring.Alert { SchoolId = school.Id, Ip = "10.0.0.9", Host = "poker.example", Url = "http://poker.example/", RuleId = "gambling", Severity = "high", FirstAt = DateTime.UtcNow, LastAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow };
            ctx.Alerts.Add(alert);
            await ctx.SaveChangesAsync();
            values = new Values(policy.Id, versions, signer, import.Id, draft.Key, bankHoliday, incident, school.Id, file.Id, pupil, pupilImport.Id, alert.Id);
        }

        var failures = new List<string>();

        // The administrator may open every page; a member of staff is refused most, but never with an error.
        var visited = await VisitAllAsync(app, routes, DemoTrustTests.AdminEmail, values, values.Signer, mustOpen: true, failures);
        var staffEmail = await EmailOfAsync(db, staffId);
        visited += await VisitAllAsync(app, routes, staffEmail, values, staffId, mustOpen: false, failures);

        failures.ShouldBeEmpty();
        visited.ShouldBeGreaterThanOrEqualTo(2 * routes.Count);
    }

    private sealed record Values(long PolicyId, IReadOnlyList<long> VersionIds, long Signer, long ImportId, string DraftKey, long BankHolidayId, long IncidentId, long SchoolId, long FileId, long PupilId, long PupilImportId, long AlertId);

    private static async Task<string> EmailOfAsync(TestDatabase db, long personId)
    {
        await using var ctx = db.Context();
        return (await ctx.People.SingleAsync(p => p.Id == personId)).Email!;
    }

    private static async Task<int> VisitAllAsync(AppFactory app, IReadOnlyList<string> routes, string email, Values values, long person, bool mustOpen, List<string> failures)
    {
        var browser = app.Browse();
        var home = await browser.SignInAsync(email, DemoTrust.Password);
        home.Heading.ShouldStartWith("Hello,", customMessage: email);
        var visited = 0;
        foreach (var url in routes.SelectMany(r => Urls(r, values, person)))
        {
            var page = await browser.GetAsync(url);
            visited++;
            if ((int)page.Status >= 500 || page.Heading == ErrorHeading || (mustOpen && page.Status != HttpStatusCode.OK))
            {
                failures.Add($"{email} GET {url}: {(int)page.Status} {page.Heading}");
            }
        }

        return visited;
    }

    /// <summary>The route with each parameter filled from the demo data, once per value (every version, say).</summary>
    private static IEnumerable<string> Urls(string route, Values values, long person)
    {
        if (route.StartsWith("/policies/new/{draft", StringComparison.Ordinal))
        {
            return ["/policies/new", .. SafeUse.Features.Policies.NewModel.Steps.Append(SafeUse.Features.Policies.NewModel.Check).Select(step => $"/policies/new/{values.DraftKey}/{step}")];
        }

        IEnumerable<string> urls = [route];
        foreach (Match parameter in RouteParameter().Matches(route))
        {
            var name = parameter.Groups["name"].Value;
            IReadOnlyList<long> choices = (name, route) switch
            {
                ("id", _) when route.StartsWith("/policies/", StringComparison.Ordinal) => [values.PolicyId],
                ("id", _) when route.StartsWith("/people/import/", StringComparison.Ordinal) => [values.ImportId],
                ("id", _) when route.StartsWith("/pupils/import/", StringComparison.Ordinal) => [values.PupilImportId],
                ("id", _) when route.StartsWith("/pupils/", StringComparison.Ordinal) => [values.PupilId],
                ("id", _) when route.StartsWith("/people/", StringComparison.Ordinal) => [values.Signer],
                ("id", _) when route.StartsWith("/settings/bank-holidays/", StringComparison.Ordinal) => [values.BankHolidayId],
                ("id", _) when route.StartsWith("/incidents/", StringComparison.Ordinal) => [values.IncidentId],
                ("fileId", _) => [values.FileId],
                ("alertId", _) => [values.AlertId],
                ("versionId", _) => values.VersionIds,
                ("policyId", _) => [values.PolicyId],
                ("personId", _) => [person],
                ("schoolId", _) => [values.SchoolId],
                _ => throw new InvalidOperationException($"EveryPageTests does not know a value for {{{name}}} in {route}: add one"),
            };
            urls = urls.SelectMany(u => choices.Select(c => u.Replace(parameter.Value, c.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))).ToList();
        }

        // Pages that show nothing without a query string get one.
        return route switch
        {
            "/policies/{id:long}/compare" => urls.Select(u => $"{u}?from={values.VersionIds[0]}&to={values.VersionIds[^1]}"),
            // The chooser, and a school's settings.
            "/settings/reporting" => [route, $"{route}?school={values.SchoolId}"],
            _ => urls,
        };
    }

    [GeneratedRegex(@"\{(?<name>\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
