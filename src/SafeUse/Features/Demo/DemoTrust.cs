using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.Incidents;
using Route = SafeUse.Features.Incidents.Route;
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
internal sealed class DemoTrust(AppDbContext db, AuditTrail audit, TimeProvider time, SignOffService signOff, Platform.Outbox.Outbox outbox, IOptions<SignOffOptions> options, SecondFactorService factors)
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
        // Both names start "Riv": their own codes keep their incident references apart.
        var primary = new School { TrustId = trust.Id, Name = "Riverside Primary School", Urn = "149001", ReferenceCode = "RPS", CreatedAt = now };
        var secondary = new School { TrustId = trust.Id, Name = "Riverside Academy", Urn = "149002", ReferenceCode = "RA", CreatedAt = now };
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
            var networkName = $"{g}.{f}".ToLowerInvariant();
            p.NetworkNames.Add(new PersonNetworkName { TrustId = trust.Id, Name = networkName, NameNormalized = networkName, IsPrimary = true });
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
        foreach (var p in db.ChangeTracker.Entries<Person>().Select(e => e.Entity).ToList())
        {
            // Roles that must have a second factor, and governors (the chair is case manager for an allegation about
            // the Head, which asks for one), get an authenticator factor of the demo's own (a random secret, marked
            // Demo), whose current code the sign-in prompt shows in demo mode only: see README, "Second factor".
            var privileged = !p.IsLeaver && p.Roles.Any(r => SecondFactorService.RequiredRoles.Contains(r.Role) || r.Role is Role.Governor or Role.ChairOfGovernors);
            db.Accounts.Add(new Account { PersonId = p.Id, PasswordHash = hash, SecurityStamp = SignInService.NewStamp(), CreatedAt = now, SecondFactorEnabled = privileged });
            if (privileged)
            {
                db.SecondFactors.Add(factors.NewTotp(p.Id, OtpNet.KeyGeneration.GenerateRandomKey(20), now, confirmedAt: now, demo: true));
            }
        }

        audit.Record(db, Actor.System, "demo.created", "trust", trust.Id, "Created the demo trust with two schools and generated staff");
        await db.SaveChangesAsync(ct);
        await AddModelPolicyAsync(trust, admin, random, ct);
        AddReportingSettings(primary, secondary);
        await db.SaveChangesAsync(ct);
        var staff = await db.People.Where(p => p.JobTitle == "Class Teacher" && !p.IsLeaver).OrderBy(p => p.Id).FirstAsync(ct);
        // The reports join the trust's transaction: a failure in any of them leaves no trust behind either.
        await AddReportsAsync(primary, secondary, ct);
        AddPupils(trust, primary, secondary, today, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new DemoCredentials(await PersonasAsync(admin, staff, ct), Password);
    }

    /// <summary>
    /// Pupils of both schools with made-up names, valid UPNs (a made-up LA and establishment number) and one or two
    /// parent or carer contacts each, a few of them leavers. Their own seed leaves the staff and reports as they were.
    /// </summary>
    private void AddPupils(Trust trust, School primary, School secondary, DateOnly today, DateTime now)
    {
        var random = new Random(20260902);
        var serial = 0;
        foreach (var (school, establishment, years) in new[] { (primary, "2001", Enumerable.Range(Pupils.YearGroups.Reception, 7)), (secondary, "4001", Enumerable.Range(7, 7)) })
        {
            foreach (var year in years)
            {
                for (var i = 0; i < 3; i++)
                {
                    serial++;
                    var given = GivenNames[random.Next(GivenNames.Length)];
                    var family = FamilyNames[random.Next(FamilyNames.Length)];
                    // The school year (September to August) a pupil of this year group was born in.
                    var born = new DateOnly(today.Year - year - (today.Month >= 9 ? 5 : 6), 9, 1).AddDays(random.Next(0, 365));
                    var rest = $"999{establishment}{born.Year % 100:00}{serial:000}";
                    var user = $"{born.Year % 100:00}{given[0]}{family}{serial:000}".ToLowerInvariant();
                    var pupil = new Pupils.Pupil
                    {
                        TrustId = trust.Id,
                        SchoolId = school.Id,
                        Upn = Pupils.Upn.CheckLetter(rest) + rest,
                        LegalGivenName = given,
                        LegalFamilyName = family,
                        PreferredGivenName = i == 2 && given.Length > 5 ? given[..3] : null,
                        YearGroup = year,
                        DateOfBirth = born,
                        NetworkUserName = user,
                        NetworkUserNameNormalized = user,
                        IsLeaver = serial % 17 == 0,
                        LeftAt = serial % 17 == 0 ? now.AddDays(-random.Next(10, 200)) : null,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    var parent = GivenNames[random.Next(GivenNames.Length)];
                    pupil.Contacts.Add(new Pupils.PupilContact { Position = 1, Name = $"{parent} {family}", Email = $"{parent}.{family}{serial}@example.com".ToLowerInvariant(), Relationship = i % 2 == 0 ? "Mother" : "Father", ParentalResponsibility = true });
                    if (serial % 3 != 0)
                    {
                        var carer = GivenNames[random.Next(GivenNames.Length)];
                        pupil.Contacts.Add(new Pupils.PupilContact { Position = 2, Name = $"{carer} {FamilyNames[random.Next(FamilyNames.Length)]}", Relationship = serial % 5 == 0 ? "Grandparent" : "Carer", ParentalResponsibility = serial % 5 != 0 });
                    }

                    db.Pupils.Add(pupil);
                }
            }
        }
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

    /// <summary>
    /// The two schools disagree, as real ones do: the primary calls its online safety lead the Computing Leader and
    /// sends filtering failures to IT first; the academy has a Digital Lead and sends suspected misuse to the
    /// reporter's line manager first, with four hours to acknowledge before the Digital Lead is told, and asks its own
    /// question about the class that was using the device.
    /// </summary>
    private void AddReportingSettings(School primary, School secondary)
    {
        db.RoleLabels.AddRange(
            new RoleLabel { SchoolId = primary.Id, Role = Role.OnlineSafetyLead, Label = "Computing Leader" },
            new RoleLabel { SchoolId = primary.Id, Role = Role.Head, Label = "Headteacher" },
            new RoleLabel { SchoolId = secondary.Id, Role = Role.OnlineSafetyLead, Label = "Digital Lead" },
            new RoleLabel { SchoolId = secondary.Id, Role = Role.Head, Label = "Principal" });
        var filtering = IncidentService.Default(primary.Id, ReportKinds.Find(ReportKinds.FilteringFailure)!);
        filtering.Route = Route.Format([Route.Code(Role.ItLead), Route.Code(Role.OnlineSafetyLead)]);
        filtering.Name = "Filtering problem (blocked or got through)";
        var misuse = IncidentService.Default(secondary.Id, ReportKinds.Find(ReportKinds.Misuse)!);
        misuse.Route = Route.Format([Route.LineManager, Route.Code(Role.OnlineSafetyLead)]);
        misuse.AcknowledgeHours = 4;
        var accidental = IncidentService.Default(secondary.Id, ReportKinds.Find(ReportKinds.AccidentalAccess)!);
        accidental.Questions = "Which class or group was using the device? (required)\nWas a pupil upset by it?";
        db.ReportKindSettings.AddRange(filtering, misuse, accidental);
    }

    /// <summary>
    /// Reports of every kind in both schools, made and handled over the past weeks (a clock set back for each step),
    /// so the inbox looks lived in: some not yet acknowledged, actions overdue, a breach with under a day left on
    /// its 72-hour clock, and closed ones, a closed allegation among them.
    /// </summary>
    private async Task AddReportsAsync(School primary, School secondary, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var clock = new DemoClock(now);
        var incidents = new IncidentService(db, audit, outbox, clock, options);
        var staffAt = new Dictionary<long, List<Person>>();
        foreach (var school in new[] { primary, secondary })
        {
            staffAt[school.Id] = await db.People.AsNoTracking()
                .Where(p => !p.IsLeaver && p.LineManagerId != null && p.EmploymentType == EmploymentType.Permanent && p.Schools.Any(s => s.SchoolId == school.Id)
                    && p.Roles.All(r => r.Role == Role.Staff))
                .OrderBy(p => p.Id).ToListAsync(ct);
        }

        var names = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.FullName, ct);
        Actor As(long personId) => new(personId, names[personId]);

        async Task<Incident> ReportAsync(School school, int reporter, string kind, TimeSpan ago, string what, Dictionary<string, string?>? answers = null, long? subjectId = null)
        {
            clock.Now = now - ago;
            var by = staffAt[school.Id][reporter % staffAt[school.Id].Count];
            return await incidents.ReportAsync(new ReportInput(school.Id, kind, what, clock.Now.AddHours(-1), subjectId, null, answers ?? []), As(by.Id), ct);
        }

        async Task<List<long>> RoutedAsync(Incident incident) =>
            await db.IncidentRecipients.AsNoTracking().Where(r => r.IncidentId == incident.Id).OrderBy(r => r.Step).ThenBy(r => r.PersonId).Select(r => r.PersonId).ToListAsync(ct);

        async Task At(TimeSpan ago, Func<Task> step)
        {
            clock.Now = now - ago;
            await step();
        }

        static string Local(DateTime utc) =>
            TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(School.DefaultTimeZone)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc);

        var days = (Func<double, TimeSpan>)TimeSpan.FromDays;
        var hours = (Func<double, TimeSpan>)TimeSpan.FromHours;

        // Closed: accidental access, advice given.
        var seen = await ReportAsync(primary, 0, ReportKinds.AccidentalAccess, days(12), "A Year 4 pupil searched for a cartoon and an image of a violent film came up.",
            new() { ["address"] = "images search", ["device"] = "Class iPad 7" });
        var seenBy = (await RoutedAsync(seen))[0];
        await At(days(11.9), () => incidents.AcknowledgeAsync(seen.Id, As(seenBy), ct));
        await At(days(11.8), () => incidents.NoteAsync(seen.Id, "Spoke to the pupil and the class teacher; safe search was off on that iPad.", As(seenBy), ct));
        await At(days(10), () => incidents.CloseAsync(seen.Id, "advice", "Safe search turned on for every class iPad; the class had a reminder about telling an adult.", As(seenBy), ct));

        // Open, not yet acknowledged: the primary's filtering route goes to IT first.
        await ReportAsync(primary, 1, ReportKinds.FilteringFailure, days(2), "A gambling site loaded on a classroom PC during a maths lesson.",
            new() { ["address"] = "bet-quick.example", ["direction"] = "yes" });

        // Open, just made: misuse at the academy waits with the line manager for four hours.
        await ReportAsync(secondary, 0, ReportKinds.Misuse, hours(2), "A colleague's account was used to log in to the staff room PC while they were on a trip.",
            new() { ["systems"] = "Staff room PC, shared drive" });

        // Open with an overdue action.
        var message = await ReportAsync(secondary, 1, ReportKinds.OffensiveMessage, days(5), "Year 9 pupils posted threatening comments about a classmate in the class chat.",
            new() { ["channel"] = "Teams class chat" });
        var messageTo = await RoutedAsync(message);
        await At(days(4.9), () => incidents.AcknowledgeAsync(message.Id, As(messageTo[0]), ct));
        await At(days(4.8), () => incidents.ActionAsync(message.Id, "Remove the posts and speak to the pupils' parents.", messageTo[^1], Day(now - days(2)), As(messageTo[0]), ct));

        // Closed: illegal content referred to the police.
        var illegal = await ReportAsync(primary, 2, ReportKinds.IllegalContent, days(9), "A pupil showed me a video on a shared laptop that may be illegal. I did not open it again.",
            new() { ["location"] = "Laptop LAP-0311, locked in the Head's office", ["secured-by"] = "The class teacher", ["secured-at"] = Local(now - days(9) - hours(1)) });
        var illegalTo = await RoutedAsync(illegal);
        await At(days(8.9), () => incidents.AcknowledgeAsync(illegal.Id, As(illegalTo[0]), ct));
        await At(days(8.8), () => incidents.DecisionAsync(illegal.Id, "Reported to the police; the laptop stays locked away until they collect it.", As(illegalTo[0]), ct));
        await At(days(6), () => incidents.CloseAsync(illegal.Id, "police", "The police collected the laptop; the referral is recorded in the safeguarding file.", As(illegalTo[0]), ct));

        // Open with an overdue action for the DPO.
        var lost = await ReportAsync(secondary, 2, ReportKinds.LostDevice, days(3), "My school laptop was not in my bag when I got home.",
            new() { ["device"] = "LAP-0587", ["last-seen"] = "Staff room, Tuesday 16:30", ["held-personal-data"] = "no", ["encrypted"] = "yes" });
        var lostTo = await RoutedAsync(lost);
        await At(days(2.9), () => incidents.AcknowledgeAsync(lost.Id, As(lostTo[0]), ct));
        await At(days(2.8), () => incidents.ActionAsync(lost.Id, "Check the laptop's last sign-in and lock the account.", lostTo[0], Day(now - days(1)), As(lostTo[0]), ct));

        // Open: a breach with under a day left to tell the ICO.
        var breach = await ReportAsync(primary, 3, ReportKinds.DataBreach, hours(50), "A class list with pupils' medical needs was emailed to a parent by mistake.",
            new() { ["aware-at"] = Local(now - hours(52)), ["data"] = "Names and medical notes of 28 pupils in Year 2" });
        var breachTo = await RoutedAsync(breach);
        await At(hours(49), () => incidents.AcknowledgeAsync(breach.Id, As(breachTo[0]), ct));
        await At(hours(30), () => incidents.NoteAsync(breach.Id, "The parent has confirmed they deleted the email; deciding whether to report to the ICO.", As(breachTo[0]), ct));

        // Closed: a damaged device.
        var damaged = await ReportAsync(secondary, 3, ReportKinds.DamagedDevice, days(20), "The projector in room 12 shows only a blue screen.", new() { ["device"] = "Room 12 projector" });
        var damagedTo = await RoutedAsync(damaged);
        await At(days(19), () => incidents.CloseAsync(damaged.Id, "no-further-action", "Lamp replaced; working again.", As(damagedTo[0]), ct));

        // Closed: an allegation about a member of staff, unfounded.
        var subject = staffAt[secondary.Id][5];
        var conduct = await ReportAsync(secondary, 4, ReportKinds.StaffConduct, days(30), "A colleague added pupils as friends on a personal social media account.", subjectId: subject.Id);
        var conductTo = await RoutedAsync(conduct);
        await At(days(29.5), () => incidents.AcknowledgeAsync(conduct.Id, As(conductTo[0]), ct));
        await At(days(29), () => incidents.DecisionAsync(conduct.Id, "Spoke to the LADO the same day: below the harm threshold, handled as a low-level concern.", As(conductTo[0]), ct));
        await At(days(25), () => incidents.CloseAsync(conduct.Id, "unfounded", "The accounts were the colleague's own children's, who are pupils here; no concern.", As(conductTo[0]), ct));

        // Open, not yet acknowledged.
        await ReportAsync(primary, 4, ReportKinds.Other, days(1), "The staff Wi-Fi password is written on a sticky note in the hall.");

        // Closed at the academy: a filtering failure fixed.
        var blocked = await ReportAsync(secondary, 6, ReportKinds.FilteringFailure, days(15), "The exam board's website is blocked, so I cannot download past papers.",
            new() { ["address"] = "exam-board.example", ["direction"] = "no" });
        var blockedTo = await RoutedAsync(blocked);
        await At(days(14), () => incidents.CloseAsync(blocked.Id, "filter-changed", "Added the exam board to the allowed list.", As(blockedTo[0]), ct));

        // So every kind has an open and a closed report somewhere in the trust:
        // open at the academy, answering the academy's own required question, acknowledged by the Digital Lead.
        var popup = await ReportAsync(secondary, 7, ReportKinds.AccidentalAccess, hours(20), "A pop-up for an adult dating site appeared on a library PC.",
            new() { ["device"] = "Library PC 3", [OwnQuestions.CodePrefix + "1"] = "Year 8 homework club", [OwnQuestions.CodePrefix + "2"] = "No, they told me straight away" });
        var popupTo = await RoutedAsync(popup);
        await At(hours(19), () => incidents.AcknowledgeAsync(popup.Id, As(popupTo[0]), ct));

        // Closed: misuse at the primary, training given.
        var shared = await ReportAsync(primary, 5, ReportKinds.Misuse, days(40), "Staff have been sharing one login for the reading app.", new() { ["systems"] = "Reading app" });
        var sharedTo = await RoutedAsync(shared);
        await At(days(39), () => incidents.CloseAsync(shared.Id, "training", "Everyone has their own login now; reminder at the staff briefing.", As(sharedTo[0]), ct));

        // Closed: an offensive email to a member of staff at the primary.
        var rude = await ReportAsync(primary, 6, ReportKinds.OffensiveMessage, days(21), "A parent sent me an abusive email after parents' evening.", new() { ["channel"] = "Email" });
        var rudeTo = await RoutedAsync(rude);
        await At(days(20), () => incidents.CloseAsync(rude.Id, "advice", "The Head wrote to the parent about the school's communication policy.", As(rudeTo[0]), ct));

        // Open at the academy: suspected illegal content, secured and being looked at.
        var phone = await ReportAsync(secondary, 8, ReportKinds.IllegalContent, hours(6), "A pupil says an image was shared to a school tablet by someone outside school.",
            new() { ["location"] = "Tablet TAB-22, in the DSL's safe", ["secured-by"] = "The head of year", ["secured-at"] = Local(now - hours(6.5)) });
        var phoneTo = await RoutedAsync(phone);
        await At(hours(5.5), () => incidents.AcknowledgeAsync(phone.Id, As(phoneTo[0]), ct));

        // Closed: a lost memory stick at the primary that held nothing personal.
        var stick = await ReportAsync(primary, 7, ReportKinds.LostDevice, days(35), "I lost a school memory stick on the way to a trip.",
            new() { ["device"] = "USB stick (blue)", ["last-seen"] = "Coach, Thursday morning", ["held-personal-data"] = "no", ["encrypted"] = "yes" });
        var stickTo = await RoutedAsync(stick);
        await At(days(34), () => incidents.CloseAsync(stick.Id, "no-further-action", "It held only worksheets and was encrypted; replaced.", As(stickTo[0]), ct));

        // Closed: a breach at the academy, recorded and not reported to the ICO, with the reasons.
        var misdirected = await ReportAsync(secondary, 9, ReportKinds.DataBreach, days(45), "A report card was put in the wrong pupil's bag.",
            new() { ["aware-at"] = Local(now - days(45) - hours(2)), ["data"] = "One pupil's report card" });
        var misdirectedTo = await RoutedAsync(misdirected);
        await At(days(44), () => incidents.BreachAsync(misdirected.Id, new BreachInput(
            "A report card went home in another pupil's bag; the family returned it the next morning.", "Pupils: name, attendance and attainment", "1", "1",
            "Low: one family saw it and returned it unread.", "Apologised to the family; report cards now handed over by the class teacher.",
            "no", "Unlikely to result in a risk to the pupil's rights and freedoms.", null, null, "yes", null), As(misdirectedTo[0]), ct));
        await At(days(43), () => incidents.CloseAsync(misdirected.Id, "advice", "Breach logged; not reportable. Staff reminded at briefing.", As(misdirectedTo[0]), ct));

        // Open: a faulty device at the primary.
        await ReportAsync(primary, 8, ReportKinds.DamagedDevice, hours(30), "The Year 3 visualiser switches itself off after a few minutes.", new() { ["device"] = "Year 3 visualiser" });

        // Open at the primary: a low-level concern about a colleague, acknowledged by the case manager.
        var primaryStaff = staffAt[primary.Id];
        var lowLevel = await ReportAsync(primary, 9, ReportKinds.StaffConduct, days(2), "A colleague keeps messaging a Year 6 pupil's parent from their personal phone about non-school matters.",
            subjectId: primaryStaff.Last(p => p.Id != primaryStaff[9 % primaryStaff.Count].Id).Id);
        var lowLevelTo = await RoutedAsync(lowLevel);
        await At(days(1.9), () => incidents.AcknowledgeAsync(lowLevel.Id, As(lowLevelTo[0]), ct));
        await At(days(1.8), () => incidents.ClassifyAsync(lowLevel.Id, "low-level-concern", As(lowLevelTo[0]), ct));

        // Closed at the academy: something else.
        var door = await ReportAsync(secondary, 10, ReportKinds.Other, days(8), "The server room door was propped open all afternoon.");
        var doorTo = await RoutedAsync(door);
        await At(days(7), () => incidents.CloseAsync(door.Id, "advice", "Door closer fixed; sign added.", As(doorTo[0]), ct));
    }

    /// <summary>The demo's reports happened over past weeks: the time each step is recorded at.</summary>
    private sealed class DemoClock(DateTime start) : TimeProvider
    {
        public DateTime Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(Now, DateTimeKind.Utc));
    }
}
