using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Accounts;

/// <summary>
/// The trust's single sign-on: which providers are on, the Entra tenants and Google Workspace domains accepted, whether
/// each provider enforces a second factor, and whether passwords are off. The client ids and secrets come from
/// configuration: this page says whether they are there, never what the secret is. Trust administrators only; audited;
/// a save over someone else's newer one is refused.
/// </summary>
[Authorize(Policy = AccessPolicies.TrustAdministrators)]
internal sealed partial class SsoSettingsModel(AppDbContext db, CurrentUser current, AuditTrail audit, TimeProvider time, IOptions<SsoOptions> sso) : PageModel
{
    public const string StaleSave = "Someone else changed these settings after you opened this page. Check them below and save again.";

    [BindProperty]
    public SsoForm Input { get; set; } = new();

    public SsoOptions Registration => sso.Value;

    public async Task OnGetAsync(CancellationToken ct) => Input = SsoForm.From(await LoadAsync(ct));

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var saved = await LoadAsync(ct);
        if (saved.Version != Input.Version)
        {
            ModelState.Clear();
            ModelState.AddModelError("", StaleSave);
            Input = SsoForm.From(saved);
            return Page();
        }

        var tenants = SsoSetting.Lines(Input.MicrosoftTenants);
        var domains = SsoSetting.Lines(Input.GoogleDomains);
        if (Input.MicrosoftOn && !Registration.Microsoft.IsConfigured)
        {
            ModelState.AddModelError("Input.MicrosoftOn", "Microsoft is not configured here yet: set its client id and secret first (see the README)");
        }

        if (Input.MicrosoftOn && tenants.Count == 0)
        {
            ModelState.AddModelError("Input.MicrosoftTenants", "Enter at least one Entra tenant id to turn Microsoft on");
        }

        if (tenants.FirstOrDefault(t => !Guid.TryParseExact(t, "D", out _)) is { } badTenant)
        {
            ModelState.AddModelError("Input.MicrosoftTenants", $"\"{badTenant}\" is not a tenant id: it looks like 72f988bf-86f1-41af-91ab-2d7cd011db47");
        }

        if (Input.GoogleOn && !Registration.Google.IsConfigured)
        {
            ModelState.AddModelError("Input.GoogleOn", "Google is not configured here yet: set its client id and secret first (see the README)");
        }

        if (Input.GoogleOn && domains.Count == 0)
        {
            ModelState.AddModelError("Input.GoogleDomains", "Enter at least one Google Workspace domain to turn Google on");
        }

        if (domains.FirstOrDefault(d => !DomainName().IsMatch(d)) is { } badDomain)
        {
            ModelState.AddModelError("Input.GoogleDomains", $"\"{badDomain}\" is not a domain: it looks like school.org.uk");
        }

        if (Input.PasswordsOff && !((Input.MicrosoftOn && Registration.Microsoft.IsConfigured) || (Input.GoogleOn && Registration.Google.IsConfigured)))
        {
            ModelState.AddModelError("Input.PasswordsOff", "Turn Microsoft or Google on before turning passwords off");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var me = await current.PersonAsync(ct);
        var row = await db.SsoSettings.FirstOrDefaultAsync(s => s.TrustId == me.TrustId, ct);
        if (row is null)
        {
            row = new SsoSetting { TrustId = me.TrustId };
            db.SsoSettings.Add(row);
        }

        var before = Summary(saved);
        row.MicrosoftOn = Input.MicrosoftOn;
        row.MicrosoftTenants = string.Join('\n', tenants);
        row.MicrosoftEnforcesMfa = Input.MicrosoftEnforcesMfa;
        row.GoogleOn = Input.GoogleOn;
        row.GoogleDomains = string.Join('\n', domains);
        row.GoogleEnforcesMfa = Input.GoogleEnforcesMfa;
        row.PasswordsOff = Input.PasswordsOff;
        row.Version = saved.Version + 1;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        var after = Summary(row);
        audit.Record(db, await current.ActorAsync(ct), "trust.sso-settings", "trust", me.TrustId, "Single sign-on settings: " + after, before: before, after: after);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DatabaseProvider.IsUniqueViolation(ex))
        {
            // Someone saved between our read and write (or made the first row at the same moment).
            db.ChangeTracker.Clear();
            ModelState.Clear();
            ModelState.AddModelError("", StaleSave);
            Input = SsoForm.From(await LoadAsync(ct));
            return Page();
        }

        TempData["Success"] = "Single sign-on settings saved.";
        return RedirectToPage();
    }

    private async Task<SsoSetting> LoadAsync(CancellationToken ct)
    {
        var trustId = (await current.PersonAsync(ct)).TrustId;
        return await db.SsoSettings.AsNoTracking().FirstOrDefaultAsync(s => s.TrustId == trustId, ct) ?? new SsoSetting { TrustId = trustId };
    }

    private static string Summary(SsoSetting s) =>
        $"Microsoft {(s.MicrosoftOn ? "on" : "off")} (tenants: {(s.MicrosoftTenants.Length == 0 ? "none" : s.MicrosoftTenants.Replace('\n', ' '))}{(s.MicrosoftEnforcesMfa ? "; enforces a second factor" : "")}), "
        + $"Google {(s.GoogleOn ? "on" : "off")} (domains: {(s.GoogleDomains.Length == 0 ? "none" : s.GoogleDomains.Replace('\n', ' '))}{(s.GoogleEnforcesMfa ? "; enforces a second factor" : "")}), "
        + $"passwords {(s.PasswordsOff ? "off" : "on")}";

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", RegexOptions.NonBacktracking)]
    private static partial Regex DomainName();
}

internal sealed class SsoForm
{
    public bool MicrosoftOn { get; set; }
    public string? MicrosoftTenants { get; set; }
    public bool MicrosoftEnforcesMfa { get; set; }
    public bool GoogleOn { get; set; }
    public string? GoogleDomains { get; set; }
    public bool GoogleEnforcesMfa { get; set; }
    public bool PasswordsOff { get; set; }
    public int Version { get; set; }

    public static SsoForm From(SsoSetting s) => new()
    {
        MicrosoftOn = s.MicrosoftOn, MicrosoftTenants = s.MicrosoftTenants, MicrosoftEnforcesMfa = s.MicrosoftEnforcesMfa,
        GoogleOn = s.GoogleOn, GoogleDomains = s.GoogleDomains, GoogleEnforcesMfa = s.GoogleEnforcesMfa,
        PasswordsOff = s.PasswordsOff, Version = s.Version,
    };
}
