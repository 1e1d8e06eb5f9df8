using System.Collections.Concurrent;
using Microsoft.Playwright;
using OtpNet;

namespace SafeUse.BrowserTests;

/// <summary>
/// Answers SafeUse's second-factor pages as the person would with their phone: on enrolment, the key shown on the
/// page goes into this test "authenticator app" and its code is typed in; on the prompt, the demo's shown code (in
/// demo mode) or the app's code for the next step not yet used (waiting for it when needed, as a person would).
/// </summary>
internal static class SecondFactorPrompt
{
    private static readonly ConcurrentDictionary<string, App> Apps = new();

    /// <summary>Whatever page a sign-in (or setup) landed on: a second-factor page is answered, any other is left alone.</summary>
    public static async Task PassAsync(IPage page, string email)
    {
        // The click that led here has committed its navigation; the document is enough (a loaded machine can take a while).
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded, new() { Timeout = 90_000 });
        var url = new Uri(page.Url);
        var path = url.AbsolutePath;
        // Per server (each test runs its own), since tests running side by side use the same addresses.
        var key = url.Authority + " " + email.ToLowerInvariant();
        if (path == "/account/second-factor/enrol" && await page.Locator("#secret").CountAsync() > 0)
        {
            var app = new App(Base32Encoding.ToBytes((await page.Locator("#secret").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal)));
            Apps[key] = app;
            await page.GetByLabel("Code from the app").FillAsync(await app.NextCodeAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes, continue" }).ClickAsync();
        }
        else if (path == "/account/second-factor")
        {
            var shown = page.Locator("#demo-code strong");
            // The demo shows the next unused code, up to one step ahead: after two sign-ins in one 30-second step the
            // next is not yet due, so (as a visitor would) wait and reload.
            for (var wait = 0; wait < 14 && !Apps.ContainsKey(key) && await shown.CountAsync() == 0 && await page.Locator("#demo-wait").CountAsync() > 0; wait++)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                await page.ReloadAsync();
            }

            var code = await shown.CountAsync() > 0 ? (await shown.TextContentAsync())!.Trim()
                : Apps.TryGetValue(key, out var app) ? await app.NextCodeAsync()
                : throw new InvalidOperationException($"{email} has no authenticator app in this test run");
            await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        }
    }

    private sealed class App(byte[] secret)
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private long last = long.MinValue / 2;

        /// <summary>SafeUse takes each step once, within one of now: the earliest such step from now on not yet used.</summary>
        public async Task<string> NextCodeAsync()
        {
            await gate.WaitAsync();
            try
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
                // Not the step before now: on a loaded machine the request may reach the server after it has passed.
                var step = Math.Max(now, last + 1);
                while (step > now + 1)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
                }

                last = step;
                return new Totp(secret).ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * 30));
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
