using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>Home shows each person their own work: staff what to sign, a line manager their team, an owner the questions, a Head their school.</summary>
public sealed class HomeTests
{
    [Theory, BothDatabases]
    public async Task Each_persona_sees_their_own_work_and_nothing_when_there_is_none(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            var annRequest = await ctx.SignOffRequests.SingleAsync(r => r.PersonId == world.Ann.Id);
            annRequest.DueOn = DateOnly.FromDateTime(world.Time.GetUtcNow().UtcDateTime).AddDays(-2);
            await ctx.SaveChangesAsync();
            var version = await ctx.PolicyVersions.SingleAsync(v => v.PolicyId == policyId);
            (await world.Service(ctx).RaiseQueryAsync(world.Ben.Id, version.Id, "Does this cover my own phone?", new Actor(world.Ben.Id, world.Ben.FullName), default)).ShouldBeNull();
            var signed = await world.Service(ctx).SignAsync(world.Bella.Id, new SignInput(version.Id, true, "Bella Birch", null, null), new Actor(world.Bella.Id, world.Bella.FullName), default);
            signed.Outcome.ShouldBe(SignOutcome.Signed);
        }

        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });

        async Task<(string Attention, string Completion)> HomeOfAsync(string email)
        {
            var browser = app.Browse();
            var home = await browser.SignInAsync(email, Seed.Password);
            return (home.Document.QuerySelector("main")!.TextContent, home.Document.QuerySelector("#completion")?.TextContent ?? "");
        }

        var manager = await HomeOfAsync(world.Manager.Email!);
        manager.Attention.ShouldContain("1 person in your team has not signed Staff Acceptable Use Policy, which is overdue");

        var lead = await HomeOfAsync(world.Lead.Email!);
        lead.Attention.ShouldContain("Staff Acceptable Use Policy: 1 question from staff waiting for an answer");

        var head = await HomeOfAsync(world.Head.Email!);
        head.Completion.ShouldContain("Alder School: Staff Acceptable Use Policy signed by 0 of 5 (0%), 1 overdue");
        head.Completion.ShouldNotContain("Birch School");

        var ann = await HomeOfAsync(world.Ann.Email!);
        ann.Attention.ShouldContain("Read and sign Staff Acceptable Use Policy (version 1.0)");
        ann.Attention.ShouldNotContain("your team");
        ann.Completion.ShouldBeEmpty();

        var bella = await HomeOfAsync(world.Bella.Email!);
        bella.Attention.ShouldContain("Nothing needs your attention right now.");
    }
}
