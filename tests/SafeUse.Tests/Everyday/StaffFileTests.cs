using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

[Collection(ConsoleCollection.Name)]
public sealed class StaffFileTests
{
    [Theory, BothDatabases]
    public async Task The_web_import_refuses_text_that_is_not_utf8_or_windows_1252_as_the_command_line_does(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = new AppFactory(db);
        _ = app.Server;
        await using (var ctx = db.Context())
        {
            var (trust, _, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, null, "Amy", "Admin", (Role.Administrator, null));
        }

        var browser = app.Browse();
        await browser.SignInAsync("amy.admin@test.sch.uk", Seed.Password);
        // "Sato Hanako" in Shift-JIS (佐藤花子): bytes that are neither UTF-8 nor plausible Windows-1252.
        var shiftJis = Encoding.UTF8.GetBytes("First Name,Last Name,Work Email\n").Concat(new byte[] { 0x89, 0xd4, 0x8e, 0x71, 0x2c, 0x8d, 0xb2, 0x93, 0xa1 }).Concat(Encoding.UTF8.GetBytes(",hanako@oak.sch.uk\n")).ToArray();
        var form = await browser.GetAsync("/people/import");
        var refused = await browser.SubmitAsync(form, new Dictionary<string, string>(), files: new Dictionary<string, (string, byte[])> { ["Upload"] = ("staff.csv", shiftJis) });
        refused.Errors.ShouldContain(e => e.Contains("the file is not UTF-8 text: save it as CSV UTF-8"));
        await using var check = db.Context();
        (await check.StaffImports.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_command_line_finds_a_school_by_name_whatever_the_case()
    {
        using var db = TestDatabase.Sqlite();
        await db.MigrateAsync();
        await using (var ctx = db.Context())
        {
            await Seed.TrustAsync(ctx);
        }

        var file = Path.Combine(db.DataDirectory, "staff.csv");
        await File.WriteAllTextAsync(file, "First Name,Last Name,Work Email\nAnn,Lee,ann.lee@oak.sch.uk\n");
        (await CapturedCli.RunAsync("import", "staff", file, "--school", "alder SCHOOL", "--data-dir", db.DataDirectory)).ExitCode.ShouldBe(0);
    }
}
