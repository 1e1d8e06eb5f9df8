using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Accounts;
using SafeUse.Features.People;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Security;

/// <summary>Sessions end when they should; links, hosts, proxies and sign-in limits hold against a hostile client.</summary>
public sealed partial class SessionAndEdgeTests
{
    private const string PublicHost = "safeuse.oak.sch.uk";

    private static async Task<AppFactory> AppAsync(TestDatabase db, Dictionary<string, string?>? settings = null)
    {
        var app = new AppFactory(db, null, settings);
        _ = app.Server;
        await using var ctx = db.Context();
        var (trust, a, _) = await Seed.TrustAsync(ctx);
        await Seed.PersonAsync(ctx, trust, a, "Ann", "Lee");
        await Seed.PersonAsync(ctx, trust, a, "Mo", "Manager", (Role.LineManager, a));
        return app;
    }

    private static async Task<string> LinkEmailBodyAsync(TestDatabase db)
    {
        await using var ctx = db.Context();
        return (await ctx.Outbox.SingleAsync()).Body;
    }

    [Theory, BothDatabases]
    public async Task A_forged_host_header_never_reaches_a_sign_in_link(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var browser = app.Browse();
        var page = await browser.GetAsync("/account/email-link");
        browser.Client.DefaultRequestHeaders.Host = "evil.example";
        var sent = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk" });
        sent.Heading.ShouldBe("Check your email");
        var body = await LinkEmailBodyAsync(db);
        body.ShouldNotContain("evil.example");
        body.ShouldContain("http://127.0.0.1:5080/account/link?token=");
    }

    [Theory, BothDatabases]
    public async Task With_a_public_address_only_its_host_is_answered_and_links_use_it(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db, new() { ["SafeUse:PublicUrl"] = $"https://{PublicHost}" });
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var forged = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        forged.Headers.Host = "evil.example";
        (await client.SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var browser = app.Browse();
        browser.Client.DefaultRequestHeaders.Host = PublicHost;
        var page = await browser.GetAsync("/account/email-link");
        page.Status.ShouldBe(HttpStatusCode.OK);
        await browser.SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk" });
        LinkRegex().Match(await LinkEmailBodyAsync(db)).Value.ShouldStartWith($"https://{PublicHost}/account/link?token=");
    }

    [Fact]
    public void Without_a_public_address_links_use_the_address_the_server_listens_on()
    {
        Features.SignOff.SignOffOptions.FromListenAddresses("http://127.0.0.1:5081").ShouldBe("http://127.0.0.1:5081");
        Features.SignOff.SignOffOptions.FromListenAddresses("http://*:8080;https://*:8443").ShouldBe("http://localhost:8080");
        Features.SignOff.SignOffOptions.FromListenAddresses(null).ShouldBe("http://127.0.0.1:5080");
    }

    [Theory, BothDatabases]
    public async Task Forwarded_https_is_believed_only_from_a_trusted_proxy(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var baseApp = await AppAsync(db, new() { ["SafeUse:PublicUrl"] = $"https://{PublicHost}", ["SafeUse:TrustedProxies"] = "10.1.2.3" });
        // The test server has no network peer: a first middleware gives each request the peer address the test names.
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, PeerFromHeader>()));
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        async Task<HttpResponseMessage> FromAsync(string peer)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
            request.Headers.Host = PublicHost;
            request.Headers.Add("X-Test-Peer", peer);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return await client.SendAsync(request);
        }

        var viaProxy = await FromAsync("10.1.2.3");
        viaProxy.Headers.Contains("Strict-Transport-Security").ShouldBeTrue();
        viaProxy.Headers.GetValues("Set-Cookie").ShouldAllBe(c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));

        var direct = await FromAsync("10.9.9.9");
        direct.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        direct.Headers.GetValues("Set-Cookie").ShouldAllBe(c => !c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory, BothDatabases]
    public async Task Signing_out_ends_every_copy_of_the_session_and_leaves_other_browsers_signed_in(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var jar = new CookieContainer();
        var laptop = app.Browse(jar);
        var phone = app.Browse();
        (await laptop.SignInAsync("ann.lee@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Ann");
        (await phone.SignInAsync("ann.lee@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Ann");
        // Someone copies the laptop's cookie (a shared machine's profile, say).
        var copiedJar = new CookieContainer();
        copiedJar.Add(jar.GetAllCookies());
        var copy = app.Browse(copiedJar);
        (await copy.GetAsync("/")).Heading.ShouldBe("Hello, Ann");

        var home = await laptop.GetAsync("/");
        await laptop.SubmitAsync(home, new Dictionary<string, string>(), "form[action*='sign-out']");
        (await copy.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await laptop.GetAsync("/")).Url.ShouldContain("/account/sign-in");
        (await phone.GetAsync("/")).Heading.ShouldBe("Hello, Ann");
    }

    [Theory, BothDatabases]
    public async Task Changing_a_password_needs_the_current_one_and_ends_other_sessions(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db);
        var mine = app.Browse();
        var left = app.Browse();
        await mine.SignInAsync("ann.lee@test.sch.uk", Seed.Password);
        await left.SignInAsync("ann.lee@test.sch.uk", Seed.Password);

        var form = await mine.GetAsync("/account/password");
        form.Heading.ShouldBe("Change your password");
        var wrong = await mine.SubmitAsync(form, new Dictionary<string, string> { ["Input.CurrentPassword"] = "a guess at the password", ["Input.Password"] = "copper kettle harbour nine" });
        wrong.Errors.ShouldContain("Your current password is not right");
        (await left.GetAsync("/")).Heading.ShouldBe("Hello, Ann");

        var done = await mine.SubmitAsync(form, new Dictionary<string, string> { ["Input.CurrentPassword"] = Seed.Password, ["Input.Password"] = "copper kettle harbour nine" });
        done.Heading.ShouldBe("Hello, Ann");
        (await mine.GetAsync("/")).Heading.ShouldBe("Hello, Ann");
        (await left.GetAsync("/")).Url.ShouldContain("/account/sign-in");
    }

    [Theory, BothDatabases]
    public async Task Many_failures_from_one_school_address_do_not_lock_out_its_other_staff(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db, new() { ["SafeUse:SignInLimits:PasswordBurst"] = "200" });
        var browser = app.Browse();
        for (var i = 0; i < 40; i++)
        {
            (await browser.SignInAsync($"guess{i % 10}@test.sch.uk", "not the right password")).Errors.ShouldContain(SignInModel.Refused);
        }

        (await browser.SignInAsync("ann.lee@test.sch.uk", Seed.Password)).Heading.ShouldBe("Hello, Ann");
    }

    [Theory, BothDatabases]
    public async Task A_client_over_the_rate_limit_is_told_to_wait_and_link_requests_are_limited_too(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db, new() { ["SafeUse:SignInLimits:PasswordBurst"] = "3", ["SafeUse:SignInLimits:PasswordQueue"] = "0", ["SafeUse:SignInLimits:LinkBurst"] = "2" });
        var browser = app.Browse();
        for (var i = 0; i < 3; i++)
        {
            (await browser.SignInAsync("ann.lee@test.sch.uk", "not the right password")).Status.ShouldBe(HttpStatusCode.OK);
        }

        var limited = await browser.SignInAsync("ann.lee@test.sch.uk", "not the right password");
        limited.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Heading.ShouldBe("Too many attempts");

        for (var i = 0; i < 3; i++)
        {
            await browser.SubmitAsync(await browser.GetAsync("/account/email-link"), new Dictionary<string, string> { ["Input.Email"] = $"person{i}@test.sch.uk" });
        }

        var linkLimited = await browser.SubmitAsync(await browser.GetAsync("/account/email-link"), new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk" });
        linkLimited.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        await using var ctx = db.Context();
        (await ctx.Outbox.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    public async Task Parallel_failures_are_each_counted_and_never_fail(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var app = await AppAsync(db, new() { ["SafeUse:SignInLimits:PasswordBurst"] = "500" });
        for (var round = 0; round < 5; round++)
        {
            var address = $"ann.lee@test.sch.uk".Replace("ann", $"ann{round}", StringComparison.Ordinal);
            await Task.WhenAll(Enumerable.Range(0, SignInService.MaxFailuresPerAddress - 1).Select(async _ =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                var service = scope.ServiceProvider.GetRequiredService<SignInService>();
                (await service.PasswordSignInAsync(address, "wrong", null, default)).Outcome.ShouldBe(SignInOutcome.Refused);
            }));
            await using var ctx = db.Context();
            (await ctx.SignInThrottles.SingleAsync(t => t.Key == "email:" + address)).Failures.ShouldBe(SignInService.MaxFailuresPerAddress - 1);
        }

        var clients = Enumerable.Range(0, 8).Select(_ => app.Browse()).ToList();
        var pages = await Task.WhenAll(clients.Select(c => c.GetAsync("/account/sign-in")));
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => clients[i % 8].SubmitAsync(pages[i % 8], new Dictionary<string, string> { ["Input.Email"] = "ann.lee@test.sch.uk", ["Input.Password"] = "wrong " + i })));
        results.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        await using var check = db.Context();
        var row = await check.SignInThrottles.SingleAsync(t => t.Key == "email:ann.lee@test.sch.uk");
        row.Failures.ShouldBeGreaterThanOrEqualTo(SignInService.MaxFailuresPerAddress);
        row.LockedUntil.ShouldNotBeNull();
    }

    [GeneratedRegex(@"http\S+/account/link\?token=\S+")]
    private static partial Regex LinkRegex();

    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Peer", out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer!);
                }

                await nextMiddleware();
            });
            next(app);
        };
    }
}
