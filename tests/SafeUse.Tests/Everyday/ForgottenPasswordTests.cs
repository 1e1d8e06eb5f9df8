using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class ForgottenPasswordTests
{
    [Theory, BothDatabases]
    internal async Task The_sign_in_page_leads_someone_who_forgot_their_password_to_an_emailed_link(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = app.Browse();
        var signIn = await browser.GetAsync("/account/sign-in");
        var heading = signIn.Document.QuerySelectorAll("h2").Single(h => h.TextContent == "Forgotten your password?");
        var link = heading.NextElementSibling!.QuerySelector("a")!;
        link.TextContent.ShouldBe("get a sign-in link by email");

        var request = await browser.GetAsync(link.GetAttribute("href")!);
        var sent = await browser.SubmitAsync(request, new Dictionary<string, string> { ["Input.Email"] = world.Ann.Email! });
        sent.Heading.ShouldBe("Check your email");
        await using var ctx = db.Context();
        (await ctx.Outbox.CountAsync(e => e.ToAddress == world.Ann.Email && e.Body.Contains("/account/link?token="))).ShouldBe(1);
    }
}
