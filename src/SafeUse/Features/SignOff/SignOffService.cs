using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;

namespace SafeUse.Features.SignOff;

internal sealed record PublishInput(string Number, ChangeKind Kind, string? ChangeSummary, string? ApprovedBy, DateOnly? ApprovedOn);

/// <summary>What publishing a version would do: how many are asked to sign, how many of them are emailed, and how many are not asked because they have signed the version in force.</summary>
internal sealed record PublishPreview(int Asked, int Emailed, int AlreadySigned, ChangeKind Kind)
{
    public int WithoutEmail => Asked - Emailed;
}

internal sealed record ManualReminderResult(int Sent, int AlreadyToday, int NoEmail);

// SignedAt is for a witnessed signature, written when the witness confirms, a moment after the person signed.
internal sealed record SignInput(long VersionId, bool Agreed, string? TypedName, string? IpAddress, string? UserAgent, SignMethod Method = SignMethod.SelfService, long? WitnessPersonId = null, DateTime? SignedAt = null);

internal enum SignOutcome
{
    Signed,
    AlreadySigned,
    Superseded,
    NotInAudience,
    Invalid,
}

internal sealed record SignResult(SignOutcome Outcome, string? Error = null, Signature? Signature = null, long? CurrentVersionId = null)
{
    /// <summary>The problems as (field, message) pairs; <see cref="Error"/> holds one "field|message" a line.</summary>
    public IEnumerable<(string Field, string Message)> Problems(string fallback) =>
        (Error ?? "|" + fallback).Split('\n').Select(line => line.Split('|', 2)).Select(parts => parts.Length == 2 ? (parts[0], parts[1]) : ("", parts[0]));
}

internal sealed class SignOffException(string fieldName, string message) : Exception(message)
{
    public string Field => fieldName;
}

/// <summary>Publishing versions, signing, and queries: each change with its audit event and emails in one transaction.</summary>
internal sealed class SignOffService(AppDbContext db, AuditTrail audit, Platform.Outbox.Outbox outbox, TimeProvider time, IOptions<SignOffOptions> options)
{
    public static string HashOf(PolicyVersion v) => HashOf(v.Markdown, v.Declaration);

    /// <summary>The SHA-256 of exactly what the signing page shows: the text, then the declaration.</summary>
    public static string HashOf(string markdown, string declaration) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(markdown.Replace("\r\n", "\n") + "\n\n---\n\n" + declaration.Replace("\r\n", "\n"))));

    public async Task<int> PublishAsync(long versionId, PublishInput input, Actor actor, CancellationToken ct)
    {
        // Joins the caller's transaction when there is one (the demo trust is filled in one), as SaveChangesAsync does.
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var version = await db.PolicyVersions.FirstOrDefaultAsync(v => v.Id == versionId, ct) ?? throw new SignOffException("", "That version does not exist");
        if (version.Status != VersionStatus.Draft)
        {
            throw new SignOffException("", $"Version {version.Number} is already published; published versions cannot change");
        }

        if (string.IsNullOrWhiteSpace(input.Number))
        {
            throw new SignOffException("Number", "Enter a version number, like 2.0");
        }

        if (await db.PolicyVersions.AnyAsync(v => v.PolicyId == version.PolicyId && v.Id != version.Id && v.Number == input.Number.Trim(), ct))
        {
            throw new SignOffException("Number", $"Version {input.Number.Trim()} already exists for this policy");
        }

        var policy = await db.Policies.Include(p => p.Schools).Include(p => p.Audience).FirstAsync(p => p.Id == version.PolicyId, ct);
        var previous = await db.PolicyVersions.Where(v => v.PolicyId == policy.Id && v.Status == VersionStatus.Published).ToListAsync(ct);
        var kind = await KindOfAsync(policy.Id, input.Kind, ct);

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        version.Number = input.Number.Trim();
        version.Kind = kind;
        version.ChangeSummary = input.ChangeSummary?.Trim();
        version.ApprovedBy = input.ApprovedBy?.Trim();
        version.ApprovedOn = input.ApprovedOn;
        version.Status = VersionStatus.Published;
        version.PublishedAt = now;
        version.PublishedByPersonId = actor.PersonId;
        version.TextSha256 = HashOf(version);
        // Clause ids are fixed at publishing, carried over from the version in force so "what changed" lines up.
        var inForce = previous.OrderByDescending(p => p.PublishedAt).FirstOrDefault()
            ?? await db.PolicyVersions.Where(v => v.PolicyId == policy.Id && v.Status == VersionStatus.Superseded).OrderByDescending(v => v.PublishedAt).FirstOrDefaultAsync(ct);
        version.StructureJson = Policies.Documents.PolicyStructure.For(version.Markdown, inForce);
        version.Version++;
        foreach (var p in previous)
        {
            p.Status = VersionStatus.Superseded;
        }

        await db.SaveChangesAsync(ct);

        var audienceIds = await Audience.PersonIdsAsync(db, policy, ct);
        var open = await db.SignOffRequests.Where(r => r.PolicyId == policy.Id && r.PolicyVersionId != version.Id && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query))
            .Select(r => new { r.PersonId, r.DueOn }).ToListAsync(ct);
        await db.SignOffRequests.Where(r => r.PolicyId == policy.Id && r.PolicyVersionId != version.Id && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.Superseded).SetProperty(r => r.ClosedAt, now), ct);

        var compliant = kind == ChangeKind.Editorial ? (await CompliantPeopleAsync(policy.Id, ct)).ToHashSet() : [];
        var openDue = open.GroupBy(o => o.PersonId).ToDictionary(g => g.Key, g => g.Min(o => o.DueOn));
        var due = today.AddDays(policy.SignWithinDays);
        var requests = new List<SignOffRequest>(audienceIds.Count);
        foreach (var personId in audienceIds)
        {
            var signed = compliant.Contains(personId);
            requests.Add(new SignOffRequest
            {
                PolicyId = policy.Id,
                PolicyVersionId = version.Id,
                PersonId = personId,
                RequestedAt = now,
                // An editorial change keeps the due date people already had.
                DueOn = openDue.TryGetValue(personId, out var d) && kind == ChangeKind.Editorial ? d : due,
                Status = signed ? RequestStatus.Signed : RequestStatus.Outstanding,
                ClosedAt = signed ? now : null,
            });
        }

        db.SignOffRequests.AddRange(requests);
        var asked = requests.Where(r => r.Status == RequestStatus.Outstanding).ToList();
        await QueueRequestEmailsAsync(policy, version, asked, ct);
        audit.Record(db, actor, "policy.version-published", "policy-version", version.Id,
            $"Published {policy.Title} version {version.Number} ({kind.ToString().ToLowerInvariant()}): {asked.Count} people asked to sign",
            after: new { version.Number, Kind = kind.ToString(), version.TextSha256, version.ChangeSummary, version.ApprovedBy, version.ApprovedOn, Asked = asked.Count });
        await db.SaveChangesAsync(ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        return asked.Count;
    }

    /// <summary>
    /// Asks people who are in a published version's audience but have no request for it yet (joiners) to sign it, each
    /// with their own due date and a "please sign" email in the outbox; anyone who already signed the version in force
    /// is recorded as signed. The scheduler asks everyone (<paramref name="only"/> null); adding people (an import, the
    /// add page) asks just them at once, in the caller's transaction, rather than at the clock's next run.
    /// </summary>
    public async Task<int> AskJoinersAsync(IReadOnlyCollection<long>? only, Actor actor, CancellationToken ct)
    {
        if (only is { Count: 0 })
        {
            return 0;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var wanted = only?.ToHashSet();
        var total = 0;
        var current = await db.PolicyVersions.AsNoTracking().Where(v => v.Status == VersionStatus.Published).ToListAsync(ct);
        foreach (var version in current)
        {
            var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).Include(p => p.Audience).FirstAsync(p => p.Id == version.PolicyId, ct);
            var audience = await Audience.PersonIdsAsync(db, policy, ct);
            if (wanted is not null)
            {
                audience = audience.Where(wanted.Contains).ToList();
            }

            if (audience.Count == 0)
            {
                continue;
            }

            var asked = (await db.SignOffRequests.Where(r => r.PolicyVersionId == version.Id).Select(r => r.PersonId).ToListAsync(ct)).ToHashSet();
            var joiners = audience.Where(id => !asked.Contains(id)).ToList();
            if (joiners.Count == 0)
            {
                continue;
            }

            var compliant = (await CompliantPeopleAsync(policy.Id, ct)).ToHashSet();
            var requests = joiners.Select(id => new SignOffRequest
            {
                PolicyId = policy.Id,
                PolicyVersionId = version.Id,
                PersonId = id,
                RequestedAt = now,
                DueOn = today.AddDays(policy.SignWithinDays),
                Status = compliant.Contains(id) ? RequestStatus.Signed : RequestStatus.Outstanding,
                ClosedAt = compliant.Contains(id) ? now : null,
            }).ToList();
            db.SignOffRequests.AddRange(requests);
            var outstanding = requests.Where(r => r.Status == RequestStatus.Outstanding).ToList();
            await QueueRequestEmailsAsync(policy, version, outstanding, ct);
            audit.Record(db, actor, "policy.joiners-asked", "policy-version", version.Id, $"{outstanding.Count} people who joined the audience of {policy.Title} were asked to sign version {version.Number}");
            await db.SaveChangesAsync(ct);
            total += outstanding.Count;
        }

        return total;
    }

    /// <summary>
    /// What publishing the draft would do, counted as <see cref="PublishAsync"/> counts: the audience from
    /// <see cref="Audience.PersonIdsAsync"/>, less (for an editorial change) those who have signed the version in
    /// force, and of those asked, the ones with an email address to write to.
    /// </summary>
    public async Task<PublishPreview> PreviewPublishAsync(long versionId, ChangeKind requested, CancellationToken ct)
    {
        var policyId = await db.PolicyVersions.Where(v => v.Id == versionId).Select(v => v.PolicyId).FirstAsync(ct);
        var policy = await db.Policies.AsNoTracking().Include(p => p.Schools).Include(p => p.Audience).FirstAsync(p => p.Id == policyId, ct);
        var kind = await KindOfAsync(policyId, requested, ct);
        var audience = await Audience.PersonIdsAsync(db, policy, ct);
        var signed = kind == ChangeKind.Editorial ? (await CompliantPeopleAsync(policyId, ct)).ToHashSet() : [];
        var asked = audience.Where(id => !signed.Contains(id)).ToList();
        var emailed = 0;
        foreach (var chunk in asked.Chunk(5000))
        {
            emailed += await db.People.CountAsync(p => chunk.Contains(p.Id) && p.Email != null, ct);
        }

        return new(asked.Count, emailed, audience.Count - asked.Count, kind);
    }

    /// <summary>The kind a new version is published as: the first version of a policy always asks everyone to sign.</summary>
    private async Task<ChangeKind> KindOfAsync(long policyId, ChangeKind requested, CancellationToken ct) =>
        await db.PolicyVersions.AnyAsync(v => v.PolicyId == policyId && v.Status != VersionStatus.Draft, ct) ? requested : ChangeKind.Material;

    /// <summary>People who have signed the version in force: the latest material version or any version after it.</summary>
    public async Task<List<long>> CompliantPeopleAsync(long policyId, CancellationToken ct)
    {
        var material = await db.PolicyVersions.Where(v => v.PolicyId == policyId && v.Status != VersionStatus.Draft && v.Kind == ChangeKind.Material)
            .OrderByDescending(v => v.PublishedAt).Select(v => v.PublishedAt).FirstOrDefaultAsync(ct);
        var versionIds = await db.PolicyVersions.Where(v => v.PolicyId == policyId && v.Status != VersionStatus.Draft && v.PublishedAt >= material).Select(v => v.Id).ToListAsync(ct);
        return await db.Signatures.Where(s => versionIds.Contains(s.PolicyVersionId)).Select(s => s.PersonId).Distinct().ToListAsync(ct);
    }

    public async Task QueueRequestEmailsAsync(Policy policy, PolicyVersion version, IReadOnlyList<SignOffRequest> requests, CancellationToken ct)
    {
        if (requests.Count == 0)
        {
            return;
        }

        var ids = requests.Select(r => r.PersonId).ToList();
        var emails = new Dictionary<long, string>();
        foreach (var chunk in ids.Chunk(5000))
        {
            foreach (var p in await db.People.AsNoTracking().Where(p => chunk.Contains(p.Id) && p.Email != null).Select(p => new { p.Id, p.Email }).ToListAsync(ct))
            {
                emails[p.Id] = p.Email!;
            }
        }

        foreach (var r in requests)
        {
            if (emails.TryGetValue(r.PersonId, out var to))
            {
                // No personal data beyond the address: the body names only the policy and the date.
                outbox.Enqueue(db, to, $"Please read and sign: {policy.Title}",
                    $"""
                    You are asked to read and sign "{policy.Title}" (version {version.Number}) by {r.DueOn:d MMMM yyyy}.

                    Read and sign it here: {options.Value.PublicUrl.TrimEnd('/')}/sign/{policy.Id}

                    If you have a question before you sign, you can ask it on the same page.
                    """);
            }
        }
    }

    public async Task<SignResult> SignAsync(long personId, SignInput input, Actor actor, CancellationToken ct)
    {
        var version = await db.PolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == input.VersionId, ct);
        if (version is null || version.Status == VersionStatus.Draft)
        {
            return new(SignOutcome.NotInAudience);
        }

        var request = await db.SignOffRequests.FirstOrDefaultAsync(r => r.PolicyVersionId == version.Id && r.PersonId == personId, ct);
        var existing = await db.Signatures.AsNoTracking().FirstOrDefaultAsync(s => s.PolicyVersionId == version.Id && s.PersonId == personId, ct);
        if (existing is not null)
        {
            return new(SignOutcome.AlreadySigned, Signature: existing);
        }

        if (version.Status == VersionStatus.Superseded)
        {
            var current = await db.PolicyVersions.AsNoTracking().Where(v => v.PolicyId == version.PolicyId && v.Status == VersionStatus.Published).Select(v => (long?)v.Id).FirstOrDefaultAsync(ct);
            return new(SignOutcome.Superseded, CurrentVersionId: current);
        }

        if (request is null || request.Status is RequestStatus.Stopped or RequestStatus.Superseded)
        {
            return new(SignOutcome.NotInAudience);
        }

        var person = await db.People.AsNoTracking().FirstAsync(p => p.Id == personId, ct);
        // Every problem at once, in the form's order (the box, then the name), one "field|message" a line.
        var problems = new List<string>();
        if (!input.Agreed)
        {
            problems.Add("Agreed|Tick the box to confirm you have read and agree to the policy");
        }

        if (!NamesMatch(input.TypedName, person.FullName))
        {
            problems.Add(string.IsNullOrWhiteSpace(input.TypedName)
                ? "TypedName|Type your full name"
                : $"TypedName|Type your full name as SafeUse has it: {person.FullName}");
        }

        if (problems.Count > 0)
        {
            return new(SignOutcome.Invalid, string.Join('\n', problems));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var signature = new Signature
        {
            PolicyId = version.PolicyId,
            PolicyVersionId = version.Id,
            PersonId = personId,
            SignedAt = AuditChain.TruncateToMicroseconds(input.SignedAt ?? now),
            TextSha256 = version.TextSha256 ?? HashOf(version),
            Declaration = version.Declaration,
            TypedName = input.TypedName!.Trim(),
            Method = input.Method,
            WitnessPersonId = input.WitnessPersonId,
            IpAddress = input.IpAddress,
            UserAgent = input.UserAgent is { Length: > 500 } ua ? ua[..500] : input.UserAgent,
        };
        db.Signatures.Add(signature);
        request.Status = RequestStatus.Signed;
        request.ClosedAt = now;
        var policyTitle = await db.Policies.Where(p => p.Id == version.PolicyId).Select(p => p.Title).FirstAsync(ct);
        audit.Record(db, actor, "policy.signed", "signature", $"{version.Id}:{personId}",
            $"{person.FullName} signed {policyTitle} version {version.Number}" + (input.Method == SignMethod.InPersonWitnessed ? $", witnessed by {actor.Name}" : ""),
            after: new { signature.TextSha256, signature.Method, signature.TypedName, signature.IpAddress, signature.SignedAt });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
        {
            // Two submits raced: the other one wrote the signature; this one creates nothing.
            db.ChangeTracker.Clear();
            var winner = await db.Signatures.AsNoTracking().FirstAsync(s => s.PolicyVersionId == version.Id && s.PersonId == personId, ct);
            return new(SignOutcome.AlreadySigned, Signature: winner);
        }

        return new(SignOutcome.Signed, Signature: signature);
    }

    public async Task<string?> RaiseQueryAsync(long personId, long versionId, string? question, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            return "Write your question";
        }

        if (question.Length > 4000)
        {
            return "Your question must be 4,000 characters or fewer";
        }

        var request = await db.SignOffRequests.FirstOrDefaultAsync(r => r.PolicyVersionId == versionId && r.PersonId == personId && (r.Status == RequestStatus.Outstanding || r.Status == RequestStatus.Query), ct);
        if (request is null)
        {
            return "You have nothing to sign for this version, so there is nothing to ask about";
        }

        var policy = await db.Policies.AsNoTracking().FirstAsync(p => p.Id == request.PolicyId, ct);
        var query = new PolicyQuery { PolicyId = policy.Id, PolicyVersionId = versionId, PersonId = personId, Question = question.Trim(), AskedAt = time.GetUtcNow().UtcDateTime };
        db.PolicyQueries.Add(query);
        request.Status = RequestStatus.Query;
        foreach (var owner in await OwnerEmailsAsync(policy, personId, ct))
        {
            // The question itself stays in SafeUse: the email says only that there is one.
            outbox.Enqueue(db, owner, $"A question about {policy.Title}",
                $"A member of staff has a question about \"{policy.Title}\" before they sign. Read and answer it here: {options.Value.PublicUrl.TrimEnd('/')}/policies/{policy.Id}/queries");
        }

        audit.Record(db, actor, "policy.query-raised", "policy", policy.Id, $"{actor.Name} asked a question about {policy.Title} before signing");
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<string?> AnswerQueryAsync(long queryId, string? answer, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return "Write an answer";
        }

        var query = await db.PolicyQueries.FirstOrDefaultAsync(q => q.Id == queryId, ct);
        if (query is null || query.AnsweredAt is not null)
        {
            return "This question has already been answered";
        }

        query.Answer = answer.Trim();
        query.AnsweredAt = time.GetUtcNow().UtcDateTime;
        query.AnsweredByPersonId = actor.PersonId;
        var request = await db.SignOffRequests.FirstOrDefaultAsync(r => r.PolicyVersionId == query.PolicyVersionId && r.PersonId == query.PersonId && r.Status == RequestStatus.Query, ct);
        if (request is not null)
        {
            request.Status = RequestStatus.Outstanding;
        }

        var policy = await db.Policies.AsNoTracking().FirstAsync(p => p.Id == query.PolicyId, ct);
        if (await db.People.AsNoTracking().Where(p => p.Id == query.PersonId).Select(p => p.Email).FirstOrDefaultAsync(ct) is { } email)
        {
            outbox.Enqueue(db, email, $"Your question about {policy.Title} has an answer",
                $"Your question about \"{policy.Title}\" has been answered. Read the answer and sign here: {options.Value.PublicUrl.TrimEnd('/')}/sign/{policy.Id}");
        }

        audit.Record(db, actor, "policy.query-answered", "policy", policy.Id, $"{actor.Name} answered a question about {policy.Title}");
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// "Send a reminder now" for these people's outstanding requests of a policy: one email each, never a second to
    /// the same request on the same day (whoever sends it), nothing to people without an email. The email says only
    /// which policy and when it is due.
    /// </summary>
    public async Task<ManualReminderResult> RemindNowAsync(Policy policy, IReadOnlyCollection<long> personIds, Actor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var open = await (from r in db.SignOffRequests
                          join v in db.PolicyVersions on r.PolicyVersionId equals v.Id
                          join p in db.People on r.PersonId equals p.Id
                          where r.PolicyId == policy.Id && v.Status == VersionStatus.Published && r.Status == RequestStatus.Outstanding
                                && !p.IsLeaver && personIds.Contains(p.Id)
                          select new { r.Id, r.DueOn, p.Email }).ToListAsync(ct);
        var ids = open.Select(o => o.Id).ToList();
        var already = (await db.ManualReminders.Where(m => ids.Contains(m.RequestId) && m.SentOn == today).Select(m => m.RequestId).ToListAsync(ct)).ToHashSet();
        var link = options.Value.PublicUrl.TrimEnd('/');
        var sent = 0;
        foreach (var o in open.Where(o => o.Email is not null && !already.Contains(o.Id)))
        {
            db.ManualReminders.Add(new ManualReminder { RequestId = o.Id, SentOn = today, SentByPersonId = actor.PersonId, SentAt = now });
            outbox.Enqueue(db, o.Email!, $"Reminder: please read and sign {policy.Title}",
                $"""
                {policy.Title} is waiting for you to read and sign{(o.DueOn < today ? "; it was due" : ", by")} {o.DueOn:d MMMM yyyy}.

                Read and sign it here: {link}/sign/{policy.Id}

                If you have a question, you can ask it on the policy's page instead of signing.
                """);
            sent++;
        }

        if (sent > 0)
        {
            audit.Record(db, actor, "policy.reminded", "policy", policy.Id, $"{actor.Name} sent {sent} reminder{(sent == 1 ? "" : "s")} to sign {policy.Title}", after: new { Sent = sent });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DatabaseProvider.IsUniqueViolation(ex))
            {
                // Someone else reminded the same people at the same moment: their reminders stand, these are not sent.
                return new ManualReminderResult(0, open.Count, open.Count(o => o.Email is null));
            }
        }

        return new ManualReminderResult(sent, already.Count, open.Count(o => o.Email is null));
    }

    /// <summary>The policy owner's addresses: the named person, or holders of the owner role in the asker's schools.</summary>
    public async Task<List<string>> OwnerEmailsAsync(Policy policy, long aboutPersonId, CancellationToken ct)
    {
        if (policy.OwnerPersonId is { } ownerId)
        {
            return await db.People.Where(p => p.Id == ownerId && p.Email != null && !p.IsLeaver).Select(p => p.Email!).ToListAsync(ct);
        }

        var role = policy.OwnerRole ?? Role.OnlineSafetyLead;
        var schools = await db.PersonSchools.Where(s => s.PersonId == aboutPersonId).Select(s => s.SchoolId).ToListAsync(ct);
        return await db.People.Where(p => !p.IsLeaver && p.Email != null && p.Id != aboutPersonId
                && p.Roles.Any(r => r.Role == role && (r.SchoolId == null || schools.Contains(r.SchoolId.Value))))
            .Select(p => p.Email!).Distinct().ToListAsync(ct);
    }

    public static bool NamesMatch(string? typed, string fullName)
    {
        static string Norm(string s) => string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return typed is not null && Norm(typed) == Norm(fullName);
    }
}
