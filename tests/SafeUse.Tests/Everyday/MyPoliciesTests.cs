using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>"My policies": what a person has signed (the exact text and the receipt) and what they still have to sign.</summary>
public sealed class MyPoliciesTests
{
    /// <summary>A summer morning, so the page's UK time (BST) differs from UTC by an hour.</summary>
    private static FakeTime Summer() => new(new DateTimeOffset(2026, 6, 10, 8, 30, 0, TimeSpan.Zero));

    private static async Task<long> SecondPolicyAsync(SignOffWorld world, string title)
    {
        var (policyId, draft) = await world.PolicyAsync(SignOffWorld.V2);
        await using (var ctx = world.Db.Context())
        {
            await ctx.Policies.Where(p => p.Id == policyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, title));
        }

        await world.PublishAsync(draft);
        return policyId;
    }

    [Theory, BothDatabases]
    internal async Task A_member_of_staff_finds_what_they_signed_its_exact_text_and_receipt_and_what_is_still_to_sign(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, Summer());
        var (aupId, aupDraft) = await world.PolicyAsync();
        await world.PublishAsync(aupDraft);
        var phonesId = await SecondPolicyAsync(world, "Mobile Phones Policy");
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        var ann = app.Browse();
        var home = await ann.SignInAsync(world.Ann.Email!, Seed.Password);
        home.Document.QuerySelector("nav a[href='/my/policies']")!.TextContent.ShouldBe("My policies");
        home.Document.QuerySelector("#my-policies a")!.GetAttribute("href").ShouldBe("/my/policies");

        await ann.SubmitAsync(await ann.GetAsync($"/sign/{aupId}"), new Dictionary<string, string> { ["Agreed"] = "true", ["TypedName"] = "Ann Lee" }, "form[action*='Sign']");
        world.Time.Advance(TimeSpan.FromDays(15));
        await ann.SignInAsync(world.Ann.Email!, Seed.Password);

        var mine = await ann.GetAsync("/my/policies");
        mine.Status.ShouldBe(HttpStatusCode.OK);
        var toSign = mine.Document.QuerySelectorAll("#to-sign tbody tr").ToList();
        toSign.Count.ShouldBe(1);
        toSign[0].TextContent.ShouldContain("Mobile Phones Policy");
        toSign[0].TextContent.ShouldContain("24 Jun 2026");
        toSign[0].QuerySelector(".govuk-tag")!.TextContent.ShouldBe("Overdue");
        toSign[0].QuerySelector("a")!.GetAttribute("href").ShouldBe($"/sign/{phonesId}");

        var signed = mine.Document.QuerySelectorAll("#signed tbody tr").ToList();
        signed.Count.ShouldBe(1);
        signed[0].Children[0].TextContent.Trim().ShouldBe("Staff Acceptable Use Policy");
        signed[0].Children[1].TextContent.Trim().ShouldBe("1.0");
        signed[0].Children[2].TextContent.Trim().ShouldBe("10 Jun 2026 09:30");

        var text = await ann.GetAsync(signed[0].QuerySelector("a[href*='/text']")!.GetAttribute("href")!);
        text.Status.ShouldBe(HttpStatusCode.OK);
        text.Document.QuerySelector("#policy-text")!.TextContent.ShouldContain("Use a long passphrase of three or more words.");
        text.Document.QuerySelector("#you-signed")!.TextContent.ShouldContain("You signed this version on 10 Jun 2026 09:30");

        var receiptLink = signed[0].QuerySelector("a[href*='/receipts/']")!.GetAttribute("href")!;
        await using var ctx = db.Context();
        var signature = await ctx.Signatures.SingleAsync();
        receiptLink.ShouldBe($"/receipts/{world.Ann.Id}#signature-{signature.Id}");
        var receipt = await ann.GetAsync(receiptLink);
        var card = receipt.Document.QuerySelector($"#signature-{signature.Id}")!;
        card.TextContent.ShouldContain("Staff Acceptable Use Policy, version 1.0");
        card.QuerySelector("a[href$='/text']")!.GetAttribute("href").ShouldBe($"/policies/{aupId}/versions/{signature.PolicyVersionId}/text");
    }

    [Theory, BothDatabases]
    internal async Task Each_person_sees_only_their_own_and_a_replaced_version_they_signed_stays_listed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, Summer());
        var (policyId, draft) = await world.PolicyAsync();
        await world.PublishAsync(draft);
        await using (var ctx = db.Context())
        {
            var version = await ctx.PolicyVersions.SingleAsync();
            (await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(version.Id, true, "Ann Lee", null, null), new Actor(world.Ann.Id, world.Ann.FullName), default)).Outcome.ShouldBe(SignOutcome.Signed);
        }

        await world.PublishAsync(await world.DraftAsync(policyId, SignOffWorld.V2, "2.0"), "2.0");
        await using var app = new AppFactory(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });

        var ann = app.Browse();
        await ann.SignInAsync(world.Ann.Email!, Seed.Password);
        var mine = await ann.GetAsync("/my/policies");
        var row = mine.Document.QuerySelector("#signed tbody tr")!;
        row.Children[1].TextContent.ShouldContain("1.0");
        row.Children[1].TextContent.ShouldContain("Replaced");
        mine.Document.QuerySelector("#to-sign tbody tr")!.TextContent.ShouldContain("2.0");

        var ben = app.Browse();
        await ben.SignInAsync(world.Ben.Email!, Seed.Password);
        var his = await ben.GetAsync("/my/policies");
        his.Document.QuerySelector("#nothing-signed")!.TextContent.ShouldBe("You have not signed any policies yet.");
        his.Document.QuerySelectorAll("#to-sign tbody tr").Count().ShouldBe(1);

        var bella = app.Browse();
        await bella.SignInAsync(world.Bella.Email!, Seed.Password);
        (await bella.GetAsync("/my/policies")).Document.QuerySelector("#nothing-signed").ShouldNotBeNull();
    }
}
