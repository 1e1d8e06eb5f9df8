using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;

namespace SafeUse.BrowserTests;

/// <summary>The real `safeuse serve` process on a free loopback port with its own empty SQLite database, and Chromium.</summary>
public sealed class ServerFixture : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly Process process;
    private readonly string dataDirectory;
    private IPlaywright? playwright;

    public ServerFixture()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        dataDirectory = Path.Combine(Path.GetTempPath(), "safeuse-browser", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dataDirectory);
        var dll = Path.Combine(AppContext.BaseDirectory, "safeuse.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "serve", "--urls", BaseUrl, "--data-dir", dataDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Log.Add(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => Log.Add(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    /// <summary>The server's SQLite database, for reading what a person would find in their inbox.</summary>
    public string DatabasePath => Path.Combine(dataDirectory, "safeuse.db");

    public List<string> Log { get; } = [];

    public static string? AxePath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", "axe-core", "axe.min.js");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    public async Task<IBrowser> StartBrowserAsync()
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException("safeuse serve exited: " + string.Join('\n', Log));
            }
        }

        playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Runs axe-core on the page and returns its serious and critical violations, described.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxePath ?? throw new InvalidOperationException("axe-core is missing: run npm ci") });
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))");
        return result.EnumerateArray().Select(v => $"{page.Url}: {v.GetString()}").ToList();
    }

    public async ValueTask DisposeAsync()
    {
        playwright?.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans its temp folder.
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
