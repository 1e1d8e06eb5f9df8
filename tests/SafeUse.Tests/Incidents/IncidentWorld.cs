using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.Incidents;

/// <summary>
/// Two schools with their handlers: Alder (A) has a Head, a DSL, an IT lead, an online safety lead, a chair of
/// governors and two teachers, one managed by the other; Birch (B) has a Head who is also its DSL, and a teacher. The
/// trust has a DPO and an administrator centrally.
/// </summary>
internal sealed record IncidentWorld(
    Trust Trust, School A, School B, Person Head, Person Dsl, Person ItLead, Person Digital, Person Chair, Person Teacher, Person Manager,
    Person BirchHead, Person BirchTeacher, Person Dpo, Person Admin)
{
    public static async Task<IncidentWorld> CreateAsync(TestDatabase database)
    {
        await using var db = database.Context();
        var (trust, a, b) = await Seed.TrustAsync(db);
        var head = await Seed.PersonAsync(db, trust, a, "Hana", "Head", (Role.Head, a));
        var dsl = await Seed.PersonAsync(db, trust, a, "Dev", "Safe", (Role.Dsl, a));
        var it = await Seed.PersonAsync(db, trust, a, "Ivan", "Tech", (Role.ItLead, a));
        var digital = await Seed.PersonAsync(db, trust, a, "Dina", "Digital", (Role.OnlineSafetyLead, a));
        var chair = await Seed.PersonAsync(db, trust, null, "Carl", "Chair", (Role.ChairOfGovernors, a));
        var manager = await Seed.PersonAsync(db, trust, a, "Mo", "Manager", (Role.LineManager, a));
        var teacher = await Seed.PersonAsync(db, trust, a, "Tia", "Teach");
        teacher.LineManagerId = manager.Id;
        var birchHead = await Seed.PersonAsync(db, trust, b, "Bea", "Birch", (Role.Head, b), (Role.Dsl, b));
        var birchTeacher = await Seed.PersonAsync(db, trust, b, "Ned", "Birch");
        var dpo = await Seed.PersonAsync(db, trust, null, "Dee", "Data", (Role.Dpo, null));
        var admin = await Seed.PersonAsync(db, trust, null, "Ada", "Admin", (Role.Administrator, null));
        await db.SaveChangesAsync();
        return new(trust, a, b, head, dsl, it, digital, chair, teacher, manager, birchHead, birchTeacher, dpo, admin);
    }
}
