using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Demo;

/// <summary>Someone to sign in as in the demo: what they do there and the address to use (every demo account shares the password).</summary>
internal sealed record DemoPersona(string Does, string Name, string School, string Email);

internal sealed record DemoCredentials(IReadOnlyList<DemoPersona> Personas, string Password);

internal static class DemoRegistration
{
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<DemoTrust>();
}

/// <summary>
/// A generated demo trust: two schools, about 60 staff with the roles a real trust has, a mix of employment types and
/// a few leavers. Names are combined from common UK first names and surnames with a fixed seed, so every demo is alike.
/// </summary>
internal sealed class DemoTrust(AppDbContext db, AuditTrail audit, TimeProvider time, SignOffService signOff)
{
    public const string Password = "demo-safeuse-password";
    public const string Domain = "demo.safeuse.test";

    private static readonly string[] GivenNames =
    [
        "Aisha", "Ben", "Chloe", "Daniel", "Emily", "Farhan", "Grace", "Harry", "Isla", "Jack", "Katie", "Liam", "Megan", "Noah",
        "Olivia", "Priya", "Rhys", "Sophie", "Tom", "Uma", "Victoria", "William", "Yasmin", "Zain", "Amelia", "Callum", "Dylan",
        "Eleanor", "Freya", "George", "Hannah", "Imran", "Jessica", "Kieran", "Lucy", "Mohammed", "Niamh", "Oscar", "Poppy", "Ruby",
    ];

    private static readonly string[] FamilyNames =
    [
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts", "Robinson",
        "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel",
        "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
        "Harrison", "Morgan", "Allen", "Khan", "Ali", "Begum", "Murphy", "Kaur",
    ];

    private static readonly string[] Titles = ["Class Teacher", "Teaching Assistant", "Teacher of English", "Teacher of Maths", "Teacher of Science", "Office Manager", "Site Manager", "SENCo", "Lunchtime Supervisor", "Librarian", "Cover Supervisor", "Business Manager"];

    /// <summary>
    /// Fills the demo trust in one transaction, policy, signatures and queries included, so a failure part way leaves
    /// no trust behind (a half-made one would stop the next start from trying again).
    /// </summary>
    public async Task<DemoCredentials?> CreateIfEmptyAsync(CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Trusts.AnyAsync(ct))
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var random = new Random(20260901);
        var trust = new Trust { Name = "Riverside Learning Trust", CreatedAt = now };
        db.Trusts.Add(trust);
        await db.SaveChangesAsync(ct);
        var primary = new School { TrustId = trust.Id, Name = "Riverside Primary School", Urn = "149001", CreatedAt = now };
        var secondary = new School { TrustId = trust.Id, Name = "Riverside Academy", Urn = "149002", CreatedAt = now };
        db.Schools.AddRange(primary, secondary);
        await db.SaveChangesAsync(ct);

        var used = new HashSet<string>();
        var managerOf = new Dictionary<Person, Person>();
        var code = 1000;
        Person NewPerson(School? school, string title, EmploymentType type = EmploymentType.Permanent, string? given = null, string? family = null)
        {
            string g, f;
            do
            {
                g = given ?? GivenNames[random.Next(GivenNames.Length)];
                f = family ?? FamilyNames[random.Next(FamilyNames.Length)];
            }
            while (!used.Add(g + f));

            var p = new Person
            {
                TrustId = trust.Id,
                GivenName = g,
                FamilyName = f,
                Email = $"{g.ToLowerInvariant()}.{f.ToLowerInvariant()}@{Domain}",
                StaffCode = $"S{code++}",
                EmploymentType = type,
                JobTitle = title,
                StaffGroup = type == EmploymentType.Governor ? "Governors"
                    : title.Contains("Head", StringComparison.Ordinal) || title.Contains("Principal", StringComparison.Ordinal) || title.Contains("Lead", StringComparison.Ordinal) || title.Contains("Director", StringComparison.Ordinal) || title.Contains("Chief", StringComparison.Ordinal) ? "Leadership"
                    : title.Contains("Teacher", StringComparison.Ordinal) || title.Contains("SENCo", StringComparison.Ordinal) ? "Teaching" : "Support",
                StartDate = today.AddDays(-random.Next(30, 3650)),
                CreatedAt = now,
                UpdatedAt = now,
            };
            p.EmailNormalized = Person.Normalize(p.Email);
            if (school is not null)
            {
                p.Schools.Add(new PersonSchool { SchoolId = school.Id });
                p.Roles.Add(new RoleAssignment { Role = Role.Staff, SchoolId = school.Id });
            }

            db.People.Add(p);
            return p;
        }

        void Grant(Person p, Role role, School? school) => p.Roles.Add(new RoleAssignment { Role = role, SchoolId = school?.Id });

        var admin = NewPerson(secondary, "IT Director", given: "Alex", family: "Morgan");
        Grant(admin, Role.Administrator, null);
        Grant(admin, Role.ItLead, null);
        var ceo = NewPerson(null, "Chief Executive Officer");
        Grant(ceo, Role.ExecutiveLeader, null);
        var dpo = NewPerson(null, "Data Protection Officer");
        Grant(dpo, Role.Dpo, null);

        foreach (var (school, size) in new[] { (primary, 22), (secondary, 32) })
        {
            // In the primary the Head is also the DSL, as in many small schools.
            var head = NewPerson(school, school == primary ? "Headteacher" : "Principal");
            Grant(head, Role.Head, school);
            Grant(head, Role.SeniorLeader, school);
            var dsl = school == primary ? head : NewPerson(school, "Assistant Principal (Safeguarding)");
            Grant(dsl, Role.Dsl, school);
            var deputy = NewPerson(school, "Pastoral Lead");
            Grant(deputy, Role.DeputyDsl, school);
            var digital = NewPerson(school, school == primary ? "Computing Leader" : "Digital Lead");
            Grant(digital, Role.OnlineSafetyLead, school);
            var managers = Enumerable.Range(0, school == primary ? 2 : 4).Select(i => NewPerson(school, i == 0 ? "Deputy Head" : "Head of Department")).ToList();
            foreach (var m in managers)
            {
                Grant(m, Role.LineManager, school);
                managerOf[m] = head;
            }

            for (var i = 0; i < size - 4 - managers.Count; i++)
            {
                var type = (i % 9) switch { 0 => EmploymentType.Temporary, 4 => EmploymentType.Contractor, 7 => EmploymentType.Volunteer, _ => EmploymentType.Permanent };
                var p = NewPerson(school, Titles[random.Next(Titles.Length)], type);
                managerOf[p] = managers[i % managers.Count];
                if (i % 11 == 5)
                {
                    p.IsLeaver = true;
                    p.LeaveDate = today.AddDays(-random.Next(5, 200));
                }
            }

            for (var g = 0; g < 2; g++)
            {
                var governor = NewPerson(school, g == 0 ? "Chair of Governors" : "Safeguarding Governor", EmploymentType.Governor);
                Grant(governor, Role.Governor, school);
            }
        }

        await db.SaveChangesAsync(ct);
        foreach (var (p, manager) in managerOf)
        {
            p.LineManagerId = manager.Id;
        }

        // One hash serves every demo account (each is salted anyway): hashing 60 passwords would slow the demo's start.
        var hash = SignInService.HashPassword(admin, Password);
        foreach (var p in db.ChangeTracker.Entries<Person>().Select(e => e.Entity))
        {
            db.Accounts.Add(new Account { PersonId = p.Id, PasswordHash = hash, SecurityStamp = SignInService.NewStamp(), CreatedAt = now });
        }

        audit.Record(db, Actor.System, "demo.created", "trust", trust.Id, "Created the demo trust with two schools and generated staff");
        await db.SaveChangesAsync(ct);
        await AddModelPolicyAsync(trust, admin, random, ct);
        var staff = await db.People.Where(p => p.JobTitle == "Class Teacher" && !p.IsLeaver).OrderBy(p => p.Id).FirstAsync(ct);
        await tx.CommitAsync(ct);
        return new DemoCredentials(await PersonasAsync(admin, staff, ct), Password);
    }

    /// <summary>One person for each way of using SafeUse, as the console and README list them.</summary>
    private async Task<IReadOnlyList<DemoPersona>> PersonasAsync(Person admin, Person staff, CancellationToken ct)
    {
        var schools = await db.Schools.ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        async Task<DemoPersona> OneAsync(string does, Role role, Func<Person, bool>? also = null)
        {
            var holders = await db.People.Include(p => p.Roles).Include(p => p.Schools)
                .Where(p => !p.IsLeaver && p.Roles.Any(r => r.Role == role)).OrderBy(p => p.Id).ToListAsync(ct);
            var p = holders.First(h => also?.Invoke(h) ?? true);
            return Persona(does, p);
        }

        DemoPersona Persona(string does, Person p) =>
            new(does, p.FullName, p.Schools.Count == 0 ? "the trust" : string.Join(", ", p.Schools.Select(s => schools[s.SchoolId])), p.Email!);

        await db.Entry(admin).Collection(p => p.Schools).LoadAsync(ct);
        await db.Entry(staff).Collection(p => p.Schools).LoadAsync(ct);
        return
        [
            Persona("Trust administrator and IT Director", admin),
            await OneAsync("Chief executive (trust-wide view)", Role.ExecutiveLeader),
            await OneAsync("Data protection officer", Role.Dpo),
            await OneAsync("Headteacher and DSL", Role.Head, p => p.Roles.Any(r => r.Role == Role.Dsl)),
            await OneAsync("Principal", Role.Head, p => p.Roles.All(r => r.Role != Role.Dsl)),
            await OneAsync("Designated safeguarding lead", Role.Dsl, p => p.Roles.All(r => r.Role != Role.Head)),
            await OneAsync("Digital lead (online safety)", Role.OnlineSafetyLead),
            await OneAsync("Line manager", Role.LineManager),
            await OneAsync("Governor", Role.Governor),
            Persona("Member of staff", staff),
        ];
    }

    /// <summary>
    /// SafeUse's model staff AUP, published three weeks ago to everyone, with a realistic mix: most signed (two in
    /// person, witnessed), some outstanding, some overdue, two queries; and a draft of the next version.
    /// </summary>
    private async Task AddModelPolicyAsync(Trust trust, Person admin, Random random, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var policy = new Policy
        {
            TrustId = trust.Id,
            Title = "Staff ICT Acceptable Use Policy",
            Scope = PolicyScope.Trust,
            OwnerRole = Role.OnlineSafetyLead,
            Originator = "Trust IT Director",
            ApprovalBody = "Board of Trustees",
            ApprovedText = "Autumn Term 2026",
            ApprovedOn = PolicyDates.Parse("Autumn Term 2026"),
            AdoptedText = "September 2026",
            AdoptedOn = PolicyDates.Parse("September 2026"),
            NextReviewText = "September 2027",
            NextReviewOn = PolicyDates.Parse("September 2027"),
            ReviewCycleMonths = 12,
            ReviewOnLawChange = true,
            Legislation = "Keeping Children Safe in Education\nUK GDPR and the Data Protection Act 2018\nComputer Misuse Act 1990\nDfE filtering and monitoring standards",
            Dissemination = "Emailed to all staff; signed in SafeUse at induction and each September",
            CreatedAt = now,
            UpdatedAt = now,
        };
        policy.Links.Add(new PolicyLink { Title = "Keeping Children Safe in Education", Url = "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2" });
        policy.Links.Add(new PolicyLink { Title = "Safeguarding and Child Protection Policy" });
        db.Policies.Add(policy);
        await db.SaveChangesAsync(ct);
        var version = new PolicyVersion { PolicyId = policy.Id, Number = "1.0", Markdown = ModelPolicy.Body, Declaration = PolicyText.DefaultDeclaration, Author = admin.FullName, CreatedAt = now };
        db.PolicyVersions.Add(version);
        await db.SaveChangesAsync(ct);
        var actor = new Actor(admin.Id, admin.FullName);
        await signOff.PublishAsync(version.Id, new PublishInput("1.0", ChangeKind.Material, "First version for the trust", "Board of Trustees", PolicyDates.Parse("Autumn Term 2026")), actor, ct);

        // Make the requests three weeks old, so some are overdue as in a real term.
        var requests = await db.SignOffRequests.Where(r => r.PolicyVersionId == version.Id).OrderBy(r => r.PersonId).ToListAsync(ct);
        var people = await db.People.Where(p => requests.Select(r => r.PersonId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var r in requests)
        {
            r.RequestedAt = now.AddDays(-21);
            r.DueOn = today.AddDays(random.Next(4) == 0 ? 7 : -7);
        }

        await db.SaveChangesAsync(ct);
        var signers = requests.Where(r => people[r.PersonId].EmploymentType == EmploymentType.Permanent ? random.Next(10) < 7 : random.Next(10) < 3).ToList();
        foreach (var (r, i) in signers.Select((r, i) => (r, i)))
        {
            var p = people[r.PersonId];
            var witnessed = i % 15 == 3;
            await signOff.SignAsync(p.Id, new SignInput(version.Id, true, p.FullName, "192.0.2." + (10 + (i % 200)), "Mozilla/5.0 (demo)", witnessed ? SignMethod.InPersonWitnessed : SignMethod.SelfService, witnessed ? admin.Id : null),
                witnessed ? actor : new Actor(p.Id, p.FullName), ct);
        }

        foreach (var r in requests.Where(r => r.Status == RequestStatus.Outstanding).Take(2))
        {
            var p = people[r.PersonId];
            await signOff.RaiseQueryAsync(p.Id, version.Id, "Can I use my own phone to take photos on a school trip if the school camera is not working?", new Actor(p.Id, p.FullName), ct);
        }

        db.PolicyVersions.Add(new PolicyVersion
        {
            PolicyId = policy.Id,
            Number = "1.1",
            Markdown = ModelPolicy.Body.Replace("at least 12 characters", "at least 14 characters", StringComparison.Ordinal),
            Declaration = PolicyText.DefaultDeclaration,
            Author = admin.FullName,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}
