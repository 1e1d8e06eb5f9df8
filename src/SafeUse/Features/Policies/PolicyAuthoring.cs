using Microsoft.EntityFrameworkCore;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Policies;

/// <summary>Creating policies and drafts, from a form or an imported document, each with its audit event.</summary>
internal sealed class PolicyAuthoring(AppDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Policy> CreateAsync(long trustId, PolicyForm form, long? ownerPersonId, string markdown, string declaration, Actor actor, string? importedFrom, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var policy = new Policy { Title = "", TrustId = trustId, CreatedAt = now, UpdatedAt = now };
        form.ApplyTo(policy, ownerPersonId);
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.Policies.Add(policy);
        await db.SaveChangesAsync(ct);
        var version = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Status = VersionStatus.Draft, Markdown = markdown.Replace("\r\n", "\n"), Declaration = declaration.Trim(), Author = actor.Name, CreatedAt = now };
        db.PolicyVersions.Add(version);
        audit.Record(db, actor, "policy.created", "policy", policy.Id,
            importedFrom is null ? $"Added the policy {policy.Title} with a first draft" : $"Imported the policy {policy.Title} from {importedFrom} as a first draft",
            after: new { policy.Title, Scope = policy.Scope.ToString(), policy.NextReviewText, Audience = SignOff.Audience.Describe(policy) });
        await db.SaveChangesAsync(ct);
        if (ownTransaction is not null)
        {
            await ownTransaction.CommitAsync(ct);
            await ownTransaction.DisposeAsync();
        }

        return policy;
    }

    /// <summary>A new draft of an existing policy, numbered after its latest version; none if a draft already exists.</summary>
    public async Task<PolicyVersion?> AddDraftAsync(long policyId, string markdown, string declaration, Actor actor, string? importedFrom, CancellationToken ct)
    {
        if (await db.PolicyVersions.AnyAsync(v => v.PolicyId == policyId && v.Status == VersionStatus.Draft, ct))
        {
            return null;
        }

        var latest = await db.PolicyVersions.Where(v => v.PolicyId == policyId).OrderByDescending(v => v.PublishedAt).Select(v => v.Number).FirstOrDefaultAsync(ct);
        var title = await db.Policies.Where(p => p.Id == policyId).Select(p => p.Title).FirstAsync(ct);
        var draft = new PolicyVersion
        {
            PolicyId = policyId,
            Number = latest is null ? "1.0" : DetailsModel.NextNumber(latest),
            Status = VersionStatus.Draft,
            Markdown = markdown.Replace("\r\n", "\n"),
            Declaration = declaration.Trim(),
            Author = actor.Name,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.PolicyVersions.Add(draft);
        await db.SaveChangesAsync(ct);
        audit.Record(db, actor, "policy.draft-created", "policy-version", draft.Id,
            importedFrom is null ? $"Started draft {draft.Number} of {title}" : $"Imported draft {draft.Number} of {title} from {importedFrom}");
        await db.SaveChangesAsync(ct);
        return draft;
    }
}
