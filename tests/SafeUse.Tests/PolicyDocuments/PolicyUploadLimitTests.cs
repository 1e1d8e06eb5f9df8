using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

/// <summary>Policy files refused on the web pages: the page itself says why, never a bare error page, and nothing is saved.</summary>
public sealed class PolicyUploadLimitTests
{
    private static async Task<(AppFactory App, Browser Browser, long PolicyId)> ArrangeAsync(TestDatabase db)
    {
        var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        _ = app.Server;
        long policyId;
        await using (var ctx = db.Context())
        {
            var (trust, a, _) = await Seed.TrustAsync(ctx);
            await Seed.PersonAsync(ctx, trust, a, "Lee", "Lead", (Role.OnlineSafetyLead, null));
            var policy = new Policy { TrustId = trust.Id, Title = "Staff AUP", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            ctx.Policies.Add(policy);
            await ctx.SaveChangesAsync();
            policyId = policy.Id;
        }

        var browser = app.Browse();
        await browser.SignInAsync("lee.lead@test.sch.uk", Seed.Password);
        return (app, browser, policyId);
    }

    /// <summary>A policy in text, padded with more clauses to the size asked for.</summary>
    private static byte[] TextOf(int bytes)
    {
        var text = new StringBuilder("Staff AUP\n\n1 Devices\n\n");
        while (text.Length < bytes)
        {
            text.Append("- Lock the screen when you leave the room.\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString()[..bytes]);
    }

    // The kind arrives as object: DatabaseProviderKind is internal, and a public test method cannot name it.
    [Theory, BothDatabases]
    public async Task A_file_over_the_limit_gets_the_page_s_message_however_far_over_it_is(object kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (app, browser, policyId) = await ArrangeAsync(db);
        await using var _ = app;
        foreach (var (url, form) in new[] { ("/policies/new", "main form[enctype]"), ($"/policies/{policyId}/import", "main form[enctype]") })
        {
            var page = await browser.GetAsync(url);
            foreach (var size in new[] { 5_400_000, 5_600_000, 12_000_000 })
            {
                var refused = await browser.SubmitAsync(page, new Dictionary<string, string>(), form, new Dictionary<string, (string, byte[])> { ["Upload"] = ("big.txt", TextOf(size)) });
                refused.Status.ShouldBe(HttpStatusCode.OK, $"{url}, {size} bytes: {refused.Text[..Math.Min(300, refused.Text.Length)]}");
                refused.Errors.ShouldContain(e => e.Contains("the limit is 5 MB"), $"{url}, {size} bytes: {string.Join(" / ", refused.Errors)}");
            }
        }

        await using var check = db.Context();
        (await check.PolicyVersions.CountAsync()).ShouldBe(0);
    }

    // The kind arrives as object: DatabaseProviderKind is internal, and a public test method cannot name it.
    [Theory, BothDatabases]
    public async Task A_word_bomb_and_ten_thousand_nested_tables_are_refused_on_the_page(object kind)
    {
        using var db = TestDatabase.Create((DatabaseProviderKind)kind);
        var (app, browser, policyId) = await ArrangeAsync(db);
        await using var _ = app;
        var files = new (string Name, byte[] Content, string Message)[]
        {
            ("bomb.docx", PolicyFileLimitTests.DocxWithBody("<w:p><w:r><w:t>" + new string('a', 21 * 1024 * 1024) + "</w:t></w:r></w:p>"), "bomb.docx: part word/document.xml of the Word file uncompresses to more than 20 MB; the limit is 20 MB."),
            ("nested.docx", PolicyFileLimitTests.DocxWithBody(string.Concat(Enumerable.Repeat("<w:tbl><w:tr><w:tc>", 10_000)) + "<w:p/>" + string.Concat(Enumerable.Repeat("</w:tc></w:tr></w:tbl>", 10_000))), "nested.docx: part word/document.xml of the Word file is nested more than 100 deep"),
            ("deep.md", Encoding.UTF8.GetBytes("# AUP\n\n" + string.Concat(Enumerable.Repeat("- ", 100)) + "x\n"), "deep.md, line 3: lists or quotes are nested more than 32 deep"),
        };
        foreach (var (url, form) in new[] { ("/policies/new", "main form[enctype]"), ($"/policies/{policyId}/import", "main form[enctype]") })
        {
            var page = await browser.GetAsync(url);
            foreach (var (name, content, message) in files)
            {
                var refused = await browser.SubmitAsync(page, new Dictionary<string, string>(), form, new Dictionary<string, (string, byte[])> { ["Upload"] = (name, content) });
                refused.Status.ShouldBe(HttpStatusCode.OK);
                refused.Errors.ShouldContain(e => e.StartsWith(message, StringComparison.Ordinal), $"{url}, {name}: {string.Join(" / ", refused.Errors)}");
            }
        }

        await using var check = db.Context();
        (await check.PolicyVersions.CountAsync()).ShouldBe(0);
    }
}
