using SafeUse.Platform.Data;
using Xunit;

namespace SafeUse.BrowserTests;

/// <summary>Skips with a reason when Chromium or axe-core is missing, unless SAFEUSE_REQUIRE_ALL=1 (CI), where it fails.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = BrowserRequirements.SkipReason();
    }
}

/// <summary>A browser journey run once per <see cref="ServerDatabasesAttribute"/> case; skips as <see cref="BrowserFactAttribute"/> does.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        Skip = BrowserRequirements.SkipReason();
    }
}

/// <summary>
/// Runs a journey against a server on SQLite always, and on PostgreSQL when SAFEUSE_TEST_POSTGRES is set (and, under
/// SAFEUSE_REQUIRE_ALL=1, always, so a missing server fails instead of dropping the case). The test takes a
/// <see cref="DatabaseProviderKind"/> (internal, so the test method is internal too) and passes it to the fixture.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerDatabasesAttribute : Xunit.Sdk.DataAttribute
{
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("SAFEUSE_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod)
    {
        yield return [DatabaseProviderKind.Sqlite];
        if (PostgresConnectionString is not null || BrowserRequirements.RequireAll)
        {
            yield return [DatabaseProviderKind.Postgres];
        }
    }
}

internal static class BrowserRequirements
{
    public static bool RequireAll => Environment.GetEnvironmentVariable("SAFEUSE_REQUIRE_ALL") == "1";

    public static string? SkipReason() =>
        RequireAll ? null
        : !File.Exists(ServerFixture.ChromiumPath) ? $"No browser: install Debian's chromium ({ServerFixture.ChromiumPath}) to run the browser journeys."
        : ServerFixture.AxePath is null ? "axe-core is missing: run `npm ci` at the repository root to run the browser journeys."
        : null;
}
