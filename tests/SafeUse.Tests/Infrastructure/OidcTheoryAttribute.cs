using Xunit;

namespace SafeUse.Tests.Infrastructure;

/// <summary>
/// A theory that needs the test OpenID provider: skipped with the reason when node_modules is missing, and run (so it
/// fails) under SAFEUSE_REQUIRE_ALL=1.
/// </summary>
public sealed class OidcTheoryAttribute : TheoryAttribute
{
    public OidcTheoryAttribute()
    {
        if (!TestEnvironment.RequireAll && TestOidcProvider.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
