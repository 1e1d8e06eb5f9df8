using Xunit;

namespace SafeUse.Tests.Infrastructure;

/// <summary>
/// Tests that need PostgreSQL skip with a reason when SAFEUSE_TEST_POSTGRES is not set, and run (and fail) when
/// SAFEUSE_REQUIRE_ALL=1, so CI can never pass by skipping them.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestEnvironment.PostgresConnectionString is null && !TestEnvironment.RequireAll)
        {
            Skip = "PostgreSQL is not available: set SAFEUSE_TEST_POSTGRES to a connection string to run this test.";
        }
    }
}

public static class TestEnvironment
{
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("SAFEUSE_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public static bool RequireAll => Environment.GetEnvironmentVariable("SAFEUSE_REQUIRE_ALL") == "1";

    public static string RequirePostgres() => PostgresConnectionString
        ?? throw new InvalidOperationException("SAFEUSE_REQUIRE_ALL=1 but SAFEUSE_TEST_POSTGRES is not set: the PostgreSQL tests cannot run.");
}

/// <summary>
/// Runs a theory once per database: SQLite always, PostgreSQL when SAFEUSE_TEST_POSTGRES is set (and, under
/// SAFEUSE_REQUIRE_ALL=1, always, so a missing server fails the run instead of dropping the case). The test takes a
/// <see cref="SafeUse.Platform.Data.DatabaseProviderKind"/> and makes its database with <c>TestDatabase.Create(kind)</c>.
/// That enum is internal, so the test method is declared internal (xUnit runs non-public test methods of a public class).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothDatabasesAttribute : Xunit.Sdk.DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod)
    {
        yield return [SafeUse.Platform.Data.DatabaseProviderKind.Sqlite];
        if (TestEnvironment.PostgresConnectionString is not null || TestEnvironment.RequireAll)
        {
            yield return [SafeUse.Platform.Data.DatabaseProviderKind.Postgres];
        }
    }
}
