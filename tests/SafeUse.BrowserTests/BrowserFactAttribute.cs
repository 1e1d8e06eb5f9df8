using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>Skips with a reason when Chromium or axe-core is missing, unless SAFEUSE_REQUIRE_ALL=1 (CI), where it fails.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SAFEUSE_REQUIRE_ALL") == "1")
        {
            return;
        }

        if (!File.Exists(ServerFixture.ChromiumPath))
        {
            Skip = $"No browser: install Debian's chromium ({ServerFixture.ChromiumPath}) to run the browser journeys.";
        }
        else if (ServerFixture.AxePath is null)
        {
            Skip = "axe-core is missing: run `npm ci` at the repository root to run the browser journeys.";
        }
    }
}
