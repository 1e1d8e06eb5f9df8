using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.SignOff;

/// <summary>A trust with two schools, a Head, a line manager with a team, and helpers to add and publish policies.</summary>
internal sealed class SignOffWorld
{
    public const string V1 = "## 1 Scope\n\n- This policy applies to all staff.\n- It covers school devices and personal devices used for school work.\n\n## 2 Passwords\n\n- Use a long passphrase of three or more words.\n";
    public const string V2 = "## 1 Scope\n\n- This policy applies to all staff, volunteers and contractors.\n- It covers school devices and personal devices used for school work.\n\n## 2 Passwords\n\n- Use a long passphrase of three or more words.\n- Turn on two-step sign-in wherever it is offered.\n";

    private SignOffWorld(TestDatabase db, FakeTime time)
    {
        Db = db;
        Time = time;
    }

    public TestDatabase Db { get; }
    public FakeTime Time { get; }
    public Trust Trust { get; private set; } = null!;
    public School A { get; private set; } = null!;
    public School B { get; private set; } = null!;
    public Person Head { get; private set; } = null!;
    public Person Lead { get; private set; } = null!;
    public Person Manager { get; private set; } = null!;
    public Person Ann { get; private set; } = null!;
    public Person Ben { get; private set; } = null!;
    public Person Bella { get; private set; } = null!;

    public static async Task<SignOffWorld> CreateAsync(TestDatabase db, FakeTime time)
    {
        await db.MigrateAsync();
        var world = new SignOffWorld(db, time);
        await using var ctx = db.Context();
        (world.Trust, world.A, world.B) = await Seed.TrustAsync(ctx);
        world.Head = await Seed.PersonAsync(ctx, world.Trust, world.A, "Hana", "Head", (Role.Head, world.A));
        world.Lead = await Seed.PersonAsync(ctx, world.Trust, world.A, "Lee", "Lead", (Role.OnlineSafetyLead, null), (Role.Administrator, null));
        world.Manager = await Seed.PersonAsync(ctx, world.Trust, world.A, "Mo", "Manager", (Role.LineManager, world.A));
        world.Ann = await Seed.PersonAsync(ctx, world.Trust, world.A, "Ann", "Lee");
        world.Ben = await Seed.PersonAsync(ctx, world.Trust, world.A, "Ben", "Day");
        world.Bella = await Seed.PersonAsync(ctx, world.Trust, world.B, "Bella", "Birch");
        foreach (var p in new[] { world.Ann, world.Ben })
        {
            ctx.Attach(p);
            p.LineManagerId = world.Manager.Id;
        }

        await ctx.SaveChangesAsync();
        return world;
    }

    public SignOffService Service(AppDbContext ctx) =>
        new(ctx, Db.Audit(Time), new SafeUse.Platform.Outbox.Outbox(Time), Time, Options.Create(new SignOffOptions { PublicUrl = "https://safeuse.test" }));

    public SignOffScheduler Scheduler(AppDbContext ctx) =>
        new(ctx, Service(ctx), Db.Audit(Time), new SafeUse.Platform.Outbox.Outbox(Time), Time, Options.Create(new SignOffOptions { PublicUrl = "https://safeuse.test" }));

    /// <summary>Adds a policy with a draft and returns (policy id, draft id).</summary>
    public async Task<(long PolicyId, long DraftId)> PolicyAsync(string text = V1, PolicyScope scope = PolicyScope.Trust, School? only = null, Role? audienceRole = null, string schedule = ReminderSchedule.Default)
    {
        await using var ctx = Db.Context();
        var now = Time.GetUtcNow().UtcDateTime;
        var policy = new Policy { TrustId = Trust.Id, Title = "Staff Acceptable Use Policy", Scope = scope, OwnerRole = Role.OnlineSafetyLead, ReminderSchedule = schedule, CreatedAt = now, UpdatedAt = now };
        if (only is not null)
        {
            policy.Schools.Add(new PolicySchool { SchoolId = only.Id });
        }

        if (audienceRole is { } role)
        {
            policy.Audience.Add(new PolicyAudience { Kind = AudienceKind.Role, Value = role.Code() });
        }

        ctx.Policies.Add(policy);
        await ctx.SaveChangesAsync();
        var draft = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Markdown = text, Declaration = PolicyText.DefaultDeclaration, CreatedAt = now };
        ctx.PolicyVersions.Add(draft);
        await ctx.SaveChangesAsync();
        return (policy.Id, draft.Id);
    }

    public async Task<long> DraftAsync(long policyId, string text, string number)
    {
        await using var ctx = Db.Context();
        var draft = new PolicyVersion { PolicyId = policyId, Number = number, Markdown = text, Declaration = PolicyText.DefaultDeclaration, CreatedAt = Time.GetUtcNow().UtcDateTime };
        ctx.PolicyVersions.Add(draft);
        await ctx.SaveChangesAsync();
        return draft.Id;
    }

    public async Task<int> PublishAsync(long versionId, string number = "1.0", ChangeKind kind = ChangeKind.Material)
    {
        await using var ctx = Db.Context();
        return await Service(ctx).PublishAsync(versionId, new PublishInput(number, kind, "Changes", "Governing Body", null), new Actor(Lead.Id, Lead.FullName), CancellationToken.None);
    }

    public async Task<SchedulerResult> RunClockAsync()
    {
        await using var ctx = Db.Context();
        return await Scheduler(ctx).RunOnceAsync(CancellationToken.None);
    }
}
