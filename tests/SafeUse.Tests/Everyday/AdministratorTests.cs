using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

[Collection(ConsoleCollection.Name)]
public sealed class AdministratorTests
{
    [Fact]
    public async Task A_full_staff_list_never_makes_the_only_administrator_a_leaver_and_admin_create_restores_one_who_is()
    {
        using var db = TestDatabase.Sqlite();
        var (exit, _) = await CapturedCli.RunPairAsync("admin", "create", "--email", "jo.admin@oak.sch.uk", "--given-name", "Jo", "--family-name", "Admin", "--password", "river otter lantern seven",
            "--trust", "Oak Trust", "--school", "Oak Primary", "--urn", "123456", "--data-dir", db.DataDirectory);
        exit.ShouldBe(0);
        var file = Path.Combine(db.DataDirectory, "staff.csv");
        await File.WriteAllTextAsync(file, "First Name,Last Name,Work Email,Staff Code\nAnn,Lee,ann.lee@oak.sch.uk,ALE\n");
        (await CapturedCli.RunPairAsync("import", "staff", file, "--school", "Oak Primary", "--mark-leavers", "--data-dir", db.DataDirectory)).Exit.ShouldBe(0);
        await using (var ctx = db.Context())
        {
            (await ctx.People.SingleAsync(p => p.EmailNormalized == "jo.admin@oak.sch.uk")).IsLeaver.ShouldBeFalse();

            // As an older version could leave it.
            var jo = await ctx.People.SingleAsync(p => p.EmailNormalized == "jo.admin@oak.sch.uk");
            jo.IsLeaver = true;
            await ctx.SaveChangesAsync();
        }

        (await CapturedCli.RunPairAsync("admin", "create", "--email", "jo.admin@oak.sch.uk", "--given-name", "Jo", "--family-name", "Admin", "--password", "copper kettle harbour nine", "--data-dir", db.DataDirectory)).Exit.ShouldBe(0);
        await using var check = db.Context();
        (await check.People.SingleAsync(p => p.EmailNormalized == "jo.admin@oak.sch.uk")).IsLeaver.ShouldBeFalse();
        (await check.AuditEvents.CountAsync(e => e.Action == "person.restored")).ShouldBe(1);
    }
}
