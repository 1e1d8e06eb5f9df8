using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

/// <summary>Every published version's full text stays reachable, to those who may read the policy; a draft to no one who cannot edit it.</summary>
public sealed class VersionTextTests
{
    private const string Secret = "\n## 3 Secret plans\n\n- Not yet agreed.\n";

    private static AppFactory App(TestDatabase db, SignOffWorld world) =>
        new(db, world.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });

    private static async Task<Browser> AsAsync(AppFactory app, Person who)
    {
        var browser = app.Browse();
        await browser.SignInAsync(who.Email!, Seed.Password);
        return browser;
    }

    [Theory, BothDatabases]
    internal async Task An_old_version_keeps_its_text_and_register_linked_from_the_version_history(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, v1) = await world.PolicyAsync();
        await world.PublishAsync(v1);
        await using (var ctx = db.Context())
        {
            (await world.Service(ctx).SignAsync(world.Ann.Id, new SignInput(v1, true, "Ann Lee", null, null), new Actor(world.Ann.Id, world.Ann.FullName), default)).Outcome.ShouldBe(SignOutcome.Signed);
        }

        var v2 = await world.DraftAsync(policyId, SignOffWorld.V2, "2.0");
        await world.PublishAsync(v2, "2.0");
        await using var app = App(db, world);

        var lead = await AsAsync(app, world.Lead);
        var details = await lead.GetAsync($"/policies/{policyId}");
        var links = details.Document.QuerySelectorAll("#history a").Select(a => a.GetAttribute("href")).ToList();
        links.ShouldContain($"/policies/{policyId}/versions/{v1}/text");
        links.ShouldContain($"/policies/{policyId}/versions/{v2}/text");
        links.ShouldContain($"/policies/{policyId}/register?versionId={v1}");
        links.ShouldContain($"/policies/{policyId}/register?versionId={v2}");

        var old = await lead.GetAsync($"/policies/{policyId}/versions/{v1}/text");
        old.Status.ShouldBe(HttpStatusCode.OK);
        old.Heading.ShouldContain("Version 1.0");
        old.Heading.ShouldContain("Replaced");
        old.Document.QuerySelector("#policy-text")!.TextContent.ShouldContain("This policy applies to all staff.");
        old.Document.QuerySelector("#policy-text")!.TextContent.ShouldNotContain("two-step sign-in");
        old.Document.QuerySelector("#replaced")!.TextContent.ShouldContain("replaced by version 2.0");

        var oldRegister = await lead.GetAsync($"/policies/{policyId}/register?versionId={v1}");
        oldRegister.Document.QuerySelector(".govuk-caption-l")!.TextContent.ShouldContain("version 1.0");
        oldRegister.Document.QuerySelector("form input[name='versionId']")!.GetAttribute("value").ShouldBe(v1.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Ann, who signed 1.0, reads both the text she signed and the one she is now asked to sign.
        var ann = await AsAsync(app, world.Ann);
        var receipt = await ann.GetAsync($"/receipts/{world.Ann.Id}");
        var textLink = receipt.Document.QuerySelector("a[href$='/text']")!.GetAttribute("href")!;
        textLink.ShouldBe($"/policies/{policyId}/versions/{v1}/text");
        var signedText = await ann.GetAsync(textLink);
        signedText.Status.ShouldBe(HttpStatusCode.OK);
        signedText.Document.QuerySelector("#you-signed").ShouldNotBeNull();
        signedText.Document.QuerySelector("#replaced a")!.GetAttribute("href").ShouldBe($"/sign/{policyId}");
        (await ann.GetAsync($"/policies/{policyId}/versions/{v2}/text")).Document.QuerySelector("#policy-text")!.TextContent.ShouldContain("two-step sign-in");
    }

    [Theory, BothDatabases]
    internal async Task A_drafts_text_is_not_found_for_staff_and_readers_and_takes_an_editor_to_the_draft(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (policyId, v1) = await world.PolicyAsync();
        await world.PublishAsync(v1);
        var draft = await world.DraftAsync(policyId, SignOffWorld.V2 + Secret, "2.0");
        await using var app = App(db, world);

        foreach (var who in new[] { world.Ann, world.Manager })
        {
            var page = await (await AsAsync(app, who)).GetAsync($"/policies/{policyId}/versions/{draft}/text");
            page.Status.ShouldBe(HttpStatusCode.NotFound, who.FullName);
            page.Text.ShouldNotContain("Secret plans");
        }

        var lead = await (await AsAsync(app, world.Lead)).GetAsync($"/policies/{policyId}/versions/{draft}/text");
        lead.Url.ShouldEndWith($"/policies/{policyId}/versions/{draft}");
        lead.Heading.ShouldBe("Draft 2.0");
    }

    [Theory, BothDatabases]
    internal async Task A_school_policys_text_is_not_found_for_another_schools_staff_or_someone_outside_its_audience(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        var (schoolPolicy, schoolVersion) = await world.PolicyAsync(scope: PolicyScope.Schools, only: world.A);
        await world.PublishAsync(schoolVersion);
        var (dslPolicy, dslVersion) = await world.PolicyAsync(audienceRole: Role.Dsl);
        await world.PublishAsync(dslVersion);
        await using var app = App(db, world);

        var bella = await AsAsync(app, world.Bella);
        var refused = await bella.GetAsync($"/policies/{schoolPolicy}/versions/{schoolVersion}/text");
        refused.Status.ShouldBe(HttpStatusCode.NotFound);
        refused.Text.ShouldNotContain("Use a long passphrase");

        var ann = await AsAsync(app, world.Ann);
        (await ann.GetAsync($"/policies/{schoolPolicy}/versions/{schoolVersion}/text")).Status.ShouldBe(HttpStatusCode.OK);
        (await ann.GetAsync($"/policies/{dslPolicy}/versions/{dslVersion}/text")).Status.ShouldBe(HttpStatusCode.NotFound);

        // A version id of another policy is not found under this one.
        (await ann.GetAsync($"/policies/{schoolPolicy}/versions/{dslVersion}/text")).Status.ShouldBe(HttpStatusCode.NotFound);

        // The Head, outside the DSLs' audience, still reads it as a reader of the school's registers.
        (await (await AsAsync(app, world.Head)).GetAsync($"/policies/{dslPolicy}/versions/{dslVersion}/text")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
