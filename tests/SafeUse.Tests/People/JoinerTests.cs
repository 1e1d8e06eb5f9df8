using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.People;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.People;

/// <summary>Joiners are asked to sign by the import that brings them in, not by the sign-off clock's next run.</summary>
public sealed class JoinerTests
{
    [Theory, BothDatabases]
    internal async Task A_joiner_in_a_staff_import_has_a_request_and_a_please_sign_email_straight_after_the_import(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var (policyId, versionId) = await w.PublishAsync("Staff Acceptable Use Policy");
        int emailsBefore;
        await using (var ctx = db.Context())
        {
            emailsBefore = await ctx.Outbox.CountAsync();
        }

        var sam = await w.SignInAsync(w.SchoolAdmin);
        var upload = await sam.GetAsync("/people/import");
        var csv = $"First Name,Last Name,Work Email,Staff Code\nAnn,Ash,{w.StaffA.Email},{w.StaffA.StaffCode}\nJo,Joiner,jo.joiner@test.sch.uk,JJ1\n";
        var preview = await sam.SubmitAsync(upload, new Dictionary<string, string> { ["SchoolId"] = w.A.Id.ToString() },
            files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("staff.csv", Encoding.UTF8.GetBytes(csv)) });
        var done = await sam.SubmitAsync(preview, new Dictionary<string, string>(), "form[action*='Confirm']");
        done.Text.ShouldContain("1 new");
        done.Text.ShouldContain("1 request to sign policies sent.");

        await using (var ctx = db.Context())
        {
            var jo = await ctx.People.SingleAsync(p => p.EmailNormalized == "jo.joiner@test.sch.uk");
            var request = await ctx.SignOffRequests.SingleAsync(r => r.PersonId == jo.Id);
            (request.PolicyVersionId, request.Status, request.DueOn).ShouldBe((versionId, RequestStatus.Outstanding, w.Today.AddDays(14)));
            var email = await ctx.Outbox.SingleAsync(e => e.ToAddress == "jo.joiner@test.sch.uk");
            email.Subject.ShouldBe("Please read and sign: Staff Acceptable Use Policy");
            email.Body.ShouldContain($"/sign/{policyId}");
            // Ann was asked when the policy was published: the import asks her nothing again.
            (await ctx.SignOffRequests.CountAsync(r => r.PersonId == w.StaffA.Id)).ShouldBe(1);
            (await ctx.Outbox.CountAsync()).ShouldBe(emailsBefore + 1);
        }

        // Jo sees it on her home page at once.
        await using (var ctx = db.Context())
        {
            var jo = await ctx.People.SingleAsync(p => p.EmailNormalized == "jo.joiner@test.sch.uk");
            ctx.Accounts.Add(new Account { PersonId = jo.Id, PasswordHash = SignInService.HashPassword(jo, Seed.Password), SecurityStamp = SignInService.NewStamp() });
            await ctx.SaveChangesAsync();
        }

        var joBrowser = w.App.Browse();
        (await joBrowser.SignInAsync("jo.joiner@test.sch.uk", Seed.Password)).Text.ShouldContain("Read and sign Staff Acceptable Use Policy (version 1.0)");

        // The clock, when it runs, finds no one left to ask.
        await using var scope = w.App.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<SignOffScheduler>().RunOnceAsync(default)).Joiners.ShouldBe(0);
        await using var check = db.Context();
        (await check.Outbox.CountAsync(e => e.ToAddress == "jo.joiner@test.sch.uk")).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task The_importer_the_command_line_uses_asks_joiners_too(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        await w.PublishAsync("Staff Acceptable Use Policy");
        await using var ctx = db.Context();
        var importer = new StaffImporter(ctx, db.Audit(w.Time), w.Time, db.SignOff(ctx, w.Time));
        var result = await importer.ApplyAsync(w.A, StaffCsv.Parse("First Name,Last Name,Work Email\nJo,Joiner,jo.joiner@test.sch.uk\n"), false,
            Actor.System, null, default);
        result.AskedToSign.ShouldBe(1);
        await using var check = db.Context();
        (await check.Outbox.CountAsync(e => e.ToAddress == "jo.joiner@test.sch.uk" && e.Subject == "Please read and sign: Staff Acceptable Use Policy")).ShouldBe(1);
    }
}
