using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.People;

/// <summary>
/// A trust with two schools: a trust administrator, an administrator of school A, a Head of each school, staff of A,
/// of B and of both, a school A member of staff who is also the trust's DPO, and an IT lead of A. The web app runs
/// on a clock the test moves, with the sign-off clock off, so anything asked of joiners was asked by the action itself.
/// </summary>
internal sealed class PeopleWorld : IAsyncDisposable
{
    private PeopleWorld(TestDatabase db)
    {
        Db = db;
    }

    public TestDatabase Db { get; }
    public FakeTime Time { get; } = new();
    public AppFactory App { get; private set; } = null!;
    public Trust Trust { get; private set; } = null!;
    public School A { get; private set; } = null!;
    public School B { get; private set; } = null!;
    public Person TrustAdmin { get; private set; } = null!;
    public Person SchoolAdmin { get; private set; } = null!;
    public Person HeadA { get; private set; } = null!;
    public Person HeadB { get; private set; } = null!;
    public Person StaffA { get; private set; } = null!;
    public Person StaffB { get; private set; } = null!;
    public Person Both { get; private set; } = null!;
    public Person Central { get; private set; } = null!;
    public Person ItLead { get; private set; } = null!;

    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    public static async Task<PeopleWorld> CreateAsync(TestDatabase db)
    {
        await db.MigrateAsync();
        var w = new PeopleWorld(db);
        await using (var ctx = db.Context())
        {
            (w.Trust, w.A, w.B) = await Seed.TrustAsync(ctx);
            w.TrustAdmin = await Seed.PersonAsync(ctx, w.Trust, null, "Alex", "Morgan", (Role.Administrator, null));
            w.SchoolAdmin = await Seed.PersonAsync(ctx, w.Trust, w.A, "Sam", "Admin", (Role.Administrator, w.A));
            w.HeadA = await Seed.PersonAsync(ctx, w.Trust, w.A, "Hana", "Head", (Role.Head, w.A));
            w.HeadB = await Seed.PersonAsync(ctx, w.Trust, w.B, "Hal", "Birch", (Role.Head, w.B));
            w.StaffA = await Seed.PersonAsync(ctx, w.Trust, w.A, "Ann", "Ash");
            w.StaffB = await Seed.PersonAsync(ctx, w.Trust, w.B, "Bea", "Bell");
            w.Both = await Seed.PersonAsync(ctx, w.Trust, w.A, "Bob", "Both");
            w.Central = await Seed.PersonAsync(ctx, w.Trust, w.A, "Dee", "Dpo", (Role.Dpo, null));
            w.ItLead = await Seed.PersonAsync(ctx, w.Trust, w.A, "Ivy", "It", (Role.ItLead, w.A));
            ctx.PersonSchools.Add(new PersonSchool { PersonId = w.Both.Id, SchoolId = w.B.Id });
            ctx.RoleAssignments.Add(new RoleAssignment { PersonId = w.Both.Id, Role = Role.Staff, SchoolId = w.B.Id });
            await ctx.SaveChangesAsync();
        }

        w.App = new AppFactory(db, w.Time, new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" });
        _ = w.App.Server;
        return w;
    }

    public async Task<Browser> SignInAsync(Person p)
    {
        var browser = App.Browse();
        var home = await browser.SignInAsync(p.Email!, Seed.Password);
        if (!home.Heading.StartsWith("Hello", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{p.Email} could not sign in: {home.Heading}");
        }

        return browser;
    }

    /// <summary>Adds a policy for the whole trust and publishes version 1.0; returns (policy id, version id).</summary>
    public async Task<(long PolicyId, long VersionId)> PublishAsync(string title, int signWithinDays = 14)
    {
        await using var ctx = Db.Context();
        var now = Time.GetUtcNow().UtcDateTime;
        var policy = new Policy { TrustId = Trust.Id, Title = title, Scope = PolicyScope.Trust, OwnerRole = Role.OnlineSafetyLead, ReminderSchedule = ReminderSchedule.Default, SignWithinDays = signWithinDays, CreatedAt = now, UpdatedAt = now };
        ctx.Policies.Add(policy);
        await ctx.SaveChangesAsync();
        var draft = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Markdown = "## 1 Scope\n\n- Everyone.\n", Declaration = PolicyText.DefaultDeclaration, CreatedAt = now };
        ctx.PolicyVersions.Add(draft);
        await ctx.SaveChangesAsync();
        await Db.SignOff(ctx, Time).PublishAsync(draft.Id, new PublishInput("1.0", ChangeKind.Material, null, null, null), new Actor(TrustAdmin.Id, TrustAdmin.FullName), default);
        return (policy.Id, draft.Id);
    }

    public async Task SignAsync(Person p, long versionId)
    {
        await using var ctx = Db.Context();
        var result = await Db.SignOff(ctx, Time).SignAsync(p.Id, new SignInput(versionId, true, p.FullName, "192.0.2.1", "test"), new Actor(p.Id, p.FullName), default);
        if (result.Outcome != SignOutcome.Signed)
        {
            throw new InvalidOperationException($"{p.FullName} could not sign: {result.Outcome}");
        }
    }

    /// <summary>The fields of the add and edit forms, named as the page names them.</summary>
    public static Dictionary<string, string> Fields(string? given = null, string? family = null, string? email = null, string? code = null, string? job = null,
        string? type = null, string? group = null, string? day = null, string? month = null, string? year = null, string? school = null)
    {
        var fields = new Dictionary<string, string>();
        void Set(string name, string? value)
        {
            if (value is not null)
            {
                fields["Person." + name] = value;
            }
        }

        Set("GivenName", given);
        Set("FamilyName", family);
        Set("Email", email);
        Set("StaffCode", code);
        Set("JobTitle", job);
        Set("EmploymentType", type);
        Set("StaffGroup", group);
        Set("StartDate.Day", day);
        Set("StartDate.Month", month);
        Set("StartDate.Year", year);
        Set("SchoolIds", school);
        return fields;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
