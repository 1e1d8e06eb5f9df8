using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Xunit;

namespace SafeUse.Tests.Infrastructure;

/// <summary>Who the provider signs in next: the claims its id token will carry.</summary>
internal sealed record NextLogin(string Sub, string Email, bool EmailVerified = true, string? Tid = null, string? Hd = null, string[]? Amr = null, string? PreferredUsername = null);

/// <summary>
/// A real OpenID provider on loopback: the npm package oidc-provider (installed by <c>npm ci</c>), run by
/// oidc_provider.mjs. A test says who the next login is (<see cref="NextAsync"/>) instead of filling a login form, and
/// can have the next id token's payload changed under its signature (<see cref="TamperNextTokenAsync"/>).
/// </summary>
internal sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "safeuse-test";
    public const string ClientSecret = "test-only-client-secret-1b6c";

    /// <summary>The address the app under test is reached at (the correlation cookie is Secure, so HTTPS).</summary>
    public static readonly Uri AppBase = new("https://localhost");

    private static readonly Lazy<string?> Modules = new(FindModules);
    private readonly Process process;
    private readonly HttpClient control;

    private TestOidcProvider(Process process, int port)
    {
        this.process = process;
        Port = port;
        control = new HttpClient { BaseAddress = new Uri(Issuer) };
    }

    public int Port { get; }

    public string Issuer => $"http://127.0.0.1:{Port}";

    /// <summary>Why the provider cannot run here, or null when it can.</summary>
    public static string? Unavailable => Modules.Value is null
        ? "node_modules/oidc-provider is missing: run `npm ci` at the repository root to run the single sign-on tests." : null;

    /// <summary>Starts the provider, redirecting back to <paramref name="appBase"/> (default <see cref="AppBase"/>).</summary>
    public static async Task<TestOidcProvider> StartAsync(Uri? appBase = null)
    {
        if (Unavailable is { } why)
        {
            throw new InvalidOperationException(why);
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Infrastructure", "oidc_provider.mjs"));
        foreach (var (name, value) in new[] { ("--modules", Modules.Value!), ("--client-id", ClientId), ("--client-secret", ClientSecret) })
        {
            start.ArgumentList.Add(name);
            start.ArgumentList.Add(value);
        }

        foreach (var provider in new[] { "microsoft", "google" })
        {
            start.ArgumentList.Add("--redirect");
            start.ArgumentList.Add(new Uri(appBase ?? AppBase, "/signin-" + provider).ToString());
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (errors)
            {
                throw new InvalidOperationException($"the test OpenID provider did not start: {line} {errors}");
            }
        }

        return new TestOidcProvider(process, int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task NextAsync(NextLogin who)
    {
        var body = new Dictionary<string, object?>
        {
            ["sub"] = who.Sub, ["email"] = who.Email, ["email_verified"] = who.EmailVerified, ["amr"] = who.Amr ?? ["pwd"],
        };
        if (who.Tid is not null)
        {
            body["tid"] = who.Tid;
        }

        if (who.Hd is not null)
        {
            body["hd"] = who.Hd;
        }

        if (who.PreferredUsername is not null)
        {
            body["preferred_username"] = who.PreferredUsername;
        }

        (await control.PostAsJsonAsync("/test/next", body)).EnsureSuccessStatusCode();
    }

    public async Task TamperNextTokenAsync() => (await control.PostAsync("/test/tamper", null)).EnsureSuccessStatusCode();

    /// <summary>The app's settings for both providers pointing at this provider.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["SafeUse:RunScheduler"] = "false",
        ["SafeUse:Sso:Microsoft:ClientId"] = ClientId,
        ["SafeUse:Sso:Microsoft:ClientSecret"] = ClientSecret,
        ["SafeUse:Sso:Microsoft:Authority"] = Issuer,
        ["SafeUse:Sso:Google:ClientId"] = ClientId,
        ["SafeUse:Sso:Google:ClientSecret"] = ClientSecret,
        ["SafeUse:Sso:Google:Authority"] = Issuer,
    };

    public async ValueTask DisposeAsync()
    {
        control.Dispose();
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    /// <summary>The repository's node_modules holding oidc-provider, found upwards from the test's output folder.</summary>
    private static string? FindModules()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules");
            if (File.Exists(Path.Combine(candidate, "oidc-provider", "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
