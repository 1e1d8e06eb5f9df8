using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class OutstandingTests
{
    [Theory, BothDatabases]
    public async Task The_dashboard_and_the_register_count_outstanding_and_overdue_the_same_way(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            var ann = await ctx.SignOffRequests.SingleAsync(r => r.PersonId == world.Ann.Id);
            ann.DueOn = DateOnly.FromDateTime(world.Time.GetUtcNow().UtcDateTime).AddDays(-1);
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var browser = app.Browse();
        await browser.SignInAsync(world.Lead.Email!, Seed.Password);

        var alder = (await browser.GetAsync("/policies")).Document.QuerySelectorAll("#dashboard tbody tr")
            .Single(r => r.Children[2].TextContent.Trim() == "Alder School").Children.Select(c => c.TextContent.Trim()).ToList();
        var register = (await browser.GetAsync($"/policies/{policyId}/register?school={world.A.Id}")).Text;

        // Alder's five: Ann overdue; Hana, Lee, Mo and Ben outstanding; no one has signed.
        alder[3].ShouldBe("0 (0%)");
        alder[4].ShouldBe("4");
        alder[5].ShouldBe("1");
        register.ShouldContain("Outstanding 4");
        register.ShouldContain("Overdue 1");
    }
}
