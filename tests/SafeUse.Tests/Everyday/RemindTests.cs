using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class RemindTests
{
    [Theory, BothDatabases]
    public async Task A_reminder_now_goes_once_a_day_to_each_person_and_a_line_manager_reaches_only_their_team(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            await ctx.Outbox.ExecuteDeleteAsync();
        }

        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var manager = app.Browse();
        await manager.SignInAsync(world.Manager.Email!, Seed.Password);
        var page = await manager.GetAsync($"/policies/{policyId}/remind");
        page.Document.QuerySelectorAll("#outstanding tbody tr").Select(r => r.Children[0].TextContent.Trim()).ShouldBe(["Ben Day", "Ann Lee"], ignoreOrder: true);

        var forged = await manager.SubmitAsync(page, new Dictionary<string, string> { ["PersonId"] = world.Bella.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        forged.Errors.ShouldContain("Choose someone from the list, or everyone");

        var one = await manager.SubmitAsync(page, new Dictionary<string, string> { ["PersonId"] = world.Ann.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        one.Text.ShouldContain("1 reminder sent.");
        var everyone = await manager.SubmitAsync(await manager.GetAsync($"/policies/{policyId}/remind"), new Dictionary<string, string>());
        everyone.Text.ShouldContain("1 reminder sent; 1 already reminded today.");

        var head = app.Browse();
        await head.SignInAsync(world.Head.Email!, Seed.Password);
        var headPage = await head.GetAsync($"/policies/{policyId}/remind");
        (await head.SubmitAsync(headPage, new Dictionary<string, string>())).Text.ShouldContain("reminders sent; 2 already reminded today.");

        await using var check = db.Context();
        var emails = await check.Outbox.ToListAsync();
        emails.Count(e => e.ToAddress == world.Ann.Email).ShouldBe(1);
        emails.Count(e => e.ToAddress == world.Ben.Email).ShouldBe(1);
        emails.ShouldNotContain(e => e.ToAddress == world.Bella.Email);
        emails.ShouldAllBe(e => e.Subject == "Reminder: please read and sign Staff Acceptable Use Policy" && !e.Body.Contains("Ann") && !e.Body.Contains("Ben"));

        // The next day (a new session: the day's has expired) both can be reminded again.
        world.Time.Advance(TimeSpan.FromDays(1));
        manager = app.Browse();
        await manager.SignInAsync(world.Manager.Email!, Seed.Password);
        (await manager.SubmitAsync(await manager.GetAsync($"/policies/{policyId}/remind"), new Dictionary<string, string>())).Text.ShouldContain("2 reminders sent.");
    }
}
