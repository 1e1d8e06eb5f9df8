using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Tests.Infrastructure;

/// <summary>Builders that keep Arrange short: a trust with two schools and people in them.</summary>
internal static class Seed
{
    public const string Password = "a long enough test password";

    public static async Task<(Trust Trust, School A, School B)> TrustAsync(AppDbContext db)
    {
        var now = DateTime.UtcNow;
        var trust = new Trust { Name = "Test Trust", CreatedAt = now };
        db.Trusts.Add(trust);
        await db.SaveChangesAsync();
        var a = new School { TrustId = trust.Id, Name = "Alder School", Urn = "100001", CreatedAt = now };
        var b = new School { TrustId = trust.Id, Name = "Birch School", Urn = "100002", CreatedAt = now };
        db.Schools.AddRange(a, b);
        await db.SaveChangesAsync();
        return (trust, a, b);
    }

    public static async Task<Person> PersonAsync(AppDbContext db, Trust trust, School? school, string given, string family, params (Role Role, School? At)[] roles)
    {
        var now = DateTime.UtcNow;
        var email = $"{given}.{family}@test.sch.uk".ToLowerInvariant();
        var p = new Person { TrustId = trust.Id, GivenName = given, FamilyName = family, Email = email, EmailNormalized = email, StaffCode = $"{given[..1]}{family}".ToUpperInvariant(), CreatedAt = now, UpdatedAt = now };
        if (school is not null)
        {
            p.Schools.Add(new PersonSchool { SchoolId = school.Id });
            p.Roles.Add(new RoleAssignment { Role = Role.Staff, SchoolId = school.Id });
        }

        foreach (var (role, at) in roles)
        {
            p.Roles.Add(new RoleAssignment { Role = role, SchoolId = at?.Id });
        }

        db.People.Add(p);
        await db.SaveChangesAsync();
        db.Accounts.Add(new Account { PersonId = p.Id, PasswordHash = SignInService.HashPassword(p, Password), SecurityStamp = SignInService.NewStamp(), CreatedAt = now });
        await db.SaveChangesAsync();
        return p;
    }
}
