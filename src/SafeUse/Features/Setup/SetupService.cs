using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Features.Setup;

internal sealed record SetupInput(string TrustName, string SchoolName, string? SchoolUrn, string GivenName, string FamilyName, string Email, string Password);

internal sealed record FieldError(string Field, string Message);

internal static class SetupRegistration
{
    public static IServiceCollection AddSetup(this IServiceCollection services) => services.AddScoped<SetupService>();
}

/// <summary>The first run: the trust, its first school and the first administrator, in one transaction.</summary>
internal sealed class SetupService(AppDbContext db, AuditTrail audit, TimeProvider time)
{
    public static List<FieldError> Validate(SetupInput input)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.TrustName))
        {
            errors.Add(new("TrustName", "Enter the name of the trust (or the school, if it stands alone)"));
        }

        if (string.IsNullOrWhiteSpace(input.SchoolName))
        {
            errors.Add(new("SchoolName", "Enter the name of the first school"));
        }

        if (!string.IsNullOrWhiteSpace(input.SchoolUrn) && !IsUrn(input.SchoolUrn))
        {
            errors.Add(new("SchoolUrn", "URN must be 6 digits, like 100000"));
        }

        if (string.IsNullOrWhiteSpace(input.GivenName))
        {
            errors.Add(new("GivenName", "Enter your first name"));
        }

        if (string.IsNullOrWhiteSpace(input.FamilyName))
        {
            errors.Add(new("FamilyName", "Enter your last name"));
        }

        if (!EmailAddress.IsValid(input.Email))
        {
            errors.Add(new("Email", "Enter an email address in the correct format, like name@school.org.uk"));
        }

        if (PasswordPolicy.Check(input.Password, input.GivenName, input.FamilyName, input.Email?.Split('@')[0]) is { } problem)
        {
            errors.Add(new("Password", problem));
        }

        return errors;
    }

    public static bool IsUrn(string value) => value.Trim().Length == 6 && value.Trim().All(char.IsAsciiDigit);

    public async Task<Person> CreateAsync(SetupInput input, CancellationToken ct)
    {
        if (await db.Trusts.AnyAsync(ct))
        {
            throw new InvalidOperationException("SafeUse is already set up: a trust exists.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var trust = new Trust { Name = input.TrustName.Trim(), CreatedAt = now };
        db.Trusts.Add(trust);
        await db.SaveChangesAsync(ct);
        var school = new School { TrustId = trust.Id, Name = input.SchoolName.Trim(), Urn = Blank(input.SchoolUrn), CreatedAt = now };
        db.Schools.Add(school);
        await db.SaveChangesAsync(ct);
        var person = new Person
        {
            TrustId = trust.Id,
            GivenName = input.GivenName.Trim(),
            FamilyName = input.FamilyName.Trim(),
            Email = input.Email.Trim(),
            EmailNormalized = Person.Normalize(input.Email),
            JobTitle = "Administrator",
            CreatedAt = now,
            UpdatedAt = now,
        };
        person.Schools.Add(new PersonSchool { SchoolId = school.Id });
        person.Roles.Add(new RoleAssignment { Role = Role.Staff, SchoolId = school.Id });
        person.Roles.Add(new RoleAssignment { Role = Role.Administrator, SchoolId = null });
        db.People.Add(person);
        await db.SaveChangesAsync(ct);
        db.Accounts.Add(new Account { PersonId = person.Id, PasswordHash = SignInService.HashPassword(person, input.Password), SecurityStamp = SignInService.NewStamp(), CreatedAt = now });
        var actor = new Actor(person.Id, person.FullName);
        audit.Record(db, actor, "trust.created", "trust", trust.Id, $"Set up trust {trust.Name}", after: new { trust.Name });
        audit.Record(db, actor, "school.created", "school", school.Id, $"Added school {school.Name}", after: new { school.Name, school.Urn }, schoolId: school.Id);
        audit.Record(db, actor, "person.created", "person", person.Id, $"Added {person.FullName} as trust administrator", after: new { person.FullName, person.Email, Roles = "administrator (trust-wide)" });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return person;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

internal static class EmailAddress
{
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254 || value.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.');
    }
}
