using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.Schools;

namespace SafeUse.Platform.Auth;

/// <summary>
/// A provider's registration, from configuration or the environment only (<c>SafeUse:Sso:Microsoft:ClientId</c>,
/// <c>SAFEUSE_SafeUse__Sso__Microsoft__ClientSecret</c>): the secret is never stored in the database or shown.
/// </summary>
internal sealed class SsoProviderOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>The OpenID issuer to discover from; the provider's public one unless a test points it at loopback.</summary>
    public string? Authority { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}

internal sealed class SsoOptions
{
    public const string Section = "SafeUse:Sso";

    public SsoProviderOptions Microsoft { get; set; } = new();
    public SsoProviderOptions Google { get; set; } = new();

    public SsoProviderOptions For(string provider) => provider == SsoProviders.Microsoft ? Microsoft : Google;
}

/// <summary>The two providers: their scheme names (also stored in <c>external_login.provider</c>), labels and callbacks.</summary>
internal static class SsoProviders
{
    public const string Microsoft = "microsoft";
    public const string Google = "google";

    public static readonly string[] All = [Microsoft, Google];

    /// <summary>Entra ID's multi-tenant endpoint for work and school accounts (not personal Microsoft accounts).</summary>
    public const string MicrosoftAuthority = "https://login.microsoftonline.com/organizations/v2.0";

    public const string GoogleAuthority = "https://accounts.google.com";

    public static bool IsKnown(string? provider) => provider is Microsoft or Google;

    public static string Label(string provider) => provider == Microsoft ? "Microsoft" : "Google";

    /// <summary>The redirect URI to register with the provider is the public URL followed by this.</summary>
    public static string CallbackPath(string provider) => "/signin-" + provider;
}

/// <summary>A trust's single sign-on choices. No row means everything is off.</summary>
internal sealed class SsoSetting
{
    public long TrustId { get; set; }
    public bool MicrosoftOn { get; set; }

    /// <summary>Entra tenant ids accepted (the id token's <c>tid</c>), one per line.</summary>
    public string MicrosoftTenants { get; set; } = "";

    /// <summary>The trust says its Entra tenant requires a second factor for SafeUse (Conditional Access), so every sign-in had one.</summary>
    public bool MicrosoftEnforcesMfa { get; set; }

    public bool GoogleOn { get; set; }

    /// <summary>Google Workspace domains accepted (the id token's <c>hd</c>), one per line.</summary>
    public string GoogleDomains { get; set; } = "";

    public bool GoogleEnforcesMfa { get; set; }

    /// <summary>Staff sign in with Microsoft or Google (or an emailed link), never a password.</summary>
    public bool PasswordsOff { get; set; }

    public int Version { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsOn(string provider) => provider == SsoProviders.Microsoft ? MicrosoftOn : GoogleOn;

    public bool Enforces(string provider) => provider == SsoProviders.Microsoft ? MicrosoftEnforcesMfa : GoogleEnforcesMfa;

    public IReadOnlyList<string> Allowed(string provider) => Lines(provider == SsoProviders.Microsoft ? MicrosoftTenants : GoogleDomains);

    public static IReadOnlyList<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
}

internal sealed class SsoSettingConfiguration : IEntityTypeConfiguration<SsoSetting>
{
    public void Configure(EntityTypeBuilder<SsoSetting> b)
    {
        b.HasKey(s => s.TrustId);
        b.Property(s => s.TrustId).ValueGeneratedNever();
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasOne<Trust>().WithOne().HasForeignKey<SsoSetting>(s => s.TrustId);
    }
}
