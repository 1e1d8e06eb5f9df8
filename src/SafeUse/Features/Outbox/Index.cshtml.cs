using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;
using SafeUse.Platform.Outbox;

namespace SafeUse.Features.Outbox;

[Authorize(Policy = AccessPolicies.Administrators)]
internal sealed class IndexModel(AppDbContext db, CurrentUser current, IOptions<SmtpOptions> smtp, IConfiguration configuration) : PageModel
{
    /// <summary>
    /// A demo without SMTP shows sign-in link emails so a visitor can try emailed links; never outside demo mode, and
    /// never once SMTP delivers (the links then reach their owners, and an administrator must not be able to use them).
    /// </summary>
    public bool ShowSignInLinks => !smtp.Value.Enabled && configuration.GetValue<bool>("Demo") && configuration.GetValue("Demo:ShowSignInLinks", true);

    [BindProperty(SupportsGet = true)]
    public OutboxStatus? Status { get; set; }

    public List<OutboxEmail> Emails { get; private set; } = [];
    public bool SmtpEnabled => smtp.Value.Enabled;

    /// <summary>The latest SMTP settings problem (wrong password, untrusted certificate...) holding emails back, if any.</summary>
    public string? SettingsProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // The outbox crosses schools, so only trust-wide administrators read it.
        if (!(await current.ScopeAsync([People.Role.Administrator], ct)).AllSchools)
        {
            return Forbid();
        }

        var query = db.Outbox.AsNoTracking();
        if (Status is { } status)
        {
            query = query.Where(e => e.Status == status);
        }

        Emails = await query.OrderByDescending(e => e.Id).Take(200).ToListAsync(ct);
        if (SmtpEnabled)
        {
            SettingsProblem = await db.Outbox.AsNoTracking()
                .Where(e => e.Status == OutboxStatus.Pending && e.LastError != null && e.LastError.StartsWith(SmtpFailure.ConfigurationPrefix))
                .OrderByDescending(e => e.NextAttemptAt).Select(e => e.LastError).FirstOrDefaultAsync(ct);
        }

        return Page();
    }
}
