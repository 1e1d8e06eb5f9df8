using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

// Seeds a trust of 10,000 staff and 20 policies into a data folder and times publishing a material version of
// each to everyone. Then signs about half of the requests so the register has a realistic mix.
// Usage: dotnet run -c Release --project bench/SafeUse.Bench -- DATA_DIR [STAFF] [POLICIES]
var dir = args.Length > 0 ? args[0] : throw new ArgumentException("usage: SafeUse.Bench DATA_DIR [STAFF] [POLICIES]");
var staff = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var policies = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var provider = new DatabaseProvider(DatabaseProviderKind.Sqlite, new DatabaseOptions { DataDirectory = dir }.ResolveConnectionString());
await new MigrationRunner(provider, TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync(false, default);
// The audit chain's key lives in the data folder, where `safeuse serve --data-dir` finds it.
var auditKey = new AuditKey(AuditKey.DefaultPath(dir));
AppDbContext Db()
{
    var b = new DbContextOptionsBuilder<AppDbContext>();
    provider.Configure(b);
    return new AppDbContext(b.Options, provider, auditKey);
}

var audit = new AuditTrail(TimeProvider.System);
var now = DateTime.UtcNow;
School a, b2;
await using (var db = Db())
{
    var trust = new Trust { Name = "Bench Trust", CreatedAt = now };
    db.Trusts.Add(trust);
    await db.SaveChangesAsync();
    a = new School { TrustId = trust.Id, Name = "Bench Academy", Urn = "900001", CreatedAt = now };
    b2 = new School { TrustId = trust.Id, Name = "Bench Primary", Urn = "900002", CreatedAt = now };
    db.Schools.AddRange(a, b2);
    await db.SaveChangesAsync();
    var admin = new Person { TrustId = trust.Id, GivenName = "Bench", FamilyName = "Admin", Email = "bench.admin@bench.sch.uk", EmailNormalized = "bench.admin@bench.sch.uk", CreatedAt = now, UpdatedAt = now };
    admin.Roles.Add(new RoleAssignment { Role = Role.Administrator });
    admin.Roles.Add(new RoleAssignment { Role = Role.OnlineSafetyLead });
    admin.Schools.Add(new PersonSchool { SchoolId = a.Id });
    db.People.Add(admin);
    await db.SaveChangesAsync();
    db.Accounts.Add(new Account { PersonId = admin.Id, PasswordHash = SignInService.HashPassword(admin, "bench admin passphrase"), SecurityStamp = SignInService.NewStamp(), CreatedAt = now });
    await db.SaveChangesAsync();
}

foreach (var (school, count, offset) in new[] { (a, staff * 6 / 10, 0), (b2, staff - staff * 6 / 10, staff * 6 / 10) })
{
    var csv = new StringBuilder("Legal Surname,Preferred Forename,Work Email,Staff Code,Employment Type,Line Manager\n");
    for (var i = offset + 1; i <= offset + count; i++)
    {
        var manager = i % 20 == 1 ? "" : $"B{offset + 1 + ((i - offset - 1) / 20 * 20):00000}";
        csv.Append(CultureInfo.InvariantCulture, $"Surname{i},Given{i},p{i}@bench.sch.uk,B{i:00000},{(i % 7 == 0 ? "temporary" : "permanent")},{manager}\n");
    }

    await using var db = Db();
    await new StaffImporter(db, audit, TimeProvider.System, new SignOffService(db, audit, new SafeUse.Platform.Outbox.Outbox(TimeProvider.System), TimeProvider.System, Options.Create(new SignOffOptions()))).ApplyAsync(school, StaffCsv.Parse(csv.ToString()), false, Actor.System, null, default);
}

var text = string.Join("\n\n", Enumerable.Range(1, 12).Select(s => $"## {s} Section {s}\n\n" + string.Join('\n', Enumerable.Range(1, 8).Select(c => $"- Clause {s}.{c}: staff must follow this rule about acceptable use number {c}."))));
var timings = new List<double>();
var versionIds = new List<long>();
for (var p = 1; p <= policies; p++)
{
    long draftId;
    await using (var db = Db())
    {
        var trustId = await db.Trusts.Select(t => t.Id).FirstAsync();
        var policy = new Policy { TrustId = trustId, Title = $"Policy {p:00}", CreatedAt = now, UpdatedAt = now };
        db.Policies.Add(policy);
        await db.SaveChangesAsync();
        var draft = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Markdown = text, Declaration = PolicyText.DefaultDeclaration, CreatedAt = now };
        db.PolicyVersions.Add(draft);
        await db.SaveChangesAsync();
        draftId = draft.Id;
    }

    await using (var db = Db())
    {
        var service = new SignOffService(db, audit, new SafeUse.Platform.Outbox.Outbox(TimeProvider.System), TimeProvider.System, Options.Create(new SignOffOptions()));
        var watch = Stopwatch.StartNew();
        var asked = await service.PublishAsync(draftId, new PublishInput("1.0", ChangeKind.Material, null, null, null), Actor.System, default);
        watch.Stop();
        timings.Add(watch.Elapsed.TotalSeconds);
        versionIds.Add(draftId);
        Console.WriteLine($"published policy {p:00} to {asked} people in {watch.Elapsed.TotalSeconds:0.000} s");
    }
}

// Sign about half the requests of every policy directly, as evidence rows, so the register has a mix.
await using (var db = Db())
{
    var watch = Stopwatch.StartNew();
    await db.Database.ExecuteSqlRawAsync("""
        INSERT INTO signature (policy_id, policy_version_id, person_id, signed_at, text_sha256, declaration, typed_name, method, ip_address, user_agent)
        SELECT r.policy_id, r.policy_version_id, r.person_id, r.requested_at, v.text_sha256, v.declaration, 'bench', 'SelfService', '127.0.0.1', 'bench'
        FROM sign_off_request r JOIN policy_version v ON v.id = r.policy_version_id WHERE r.person_id % 2 = 0;
        UPDATE sign_off_request SET status = 'Signed' WHERE person_id % 2 = 0;
        UPDATE sign_off_request SET status = 'Query' WHERE person_id % 97 = 1;
        UPDATE sign_off_request SET due_on = '2020-01-01' WHERE person_id % 3 = 1 AND status = 'Outstanding';
        """);
    Console.WriteLine($"signed half of the requests in {watch.Elapsed.TotalSeconds:0.0} s");
}

timings.Sort();
Console.WriteLine($"publish, {staff} staff: median {timings[timings.Count / 2]:0.000} s, max {timings[^1]:0.000} s over {policies} policies");
Console.WriteLine($"register url: /policies/{versionIds.Count}/register?school={a.Id}&status=Overdue&type=Permanent");
