using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Setup;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Data;

namespace SafeUse.Platform.Cli;

internal static class AdminCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "The administrator's work email.", Required = true };
        var given = new Option<string>("--given-name") { Description = "First name.", Required = true };
        var family = new Option<string>("--family-name") { Description = "Last name.", Required = true };
        var password = new Option<string?>("--password") { Description = "At least 12 characters. Omit to read it from standard input (safer than the command line)." };
        var trust = new Option<string?>("--trust") { Description = "On an empty database: the trust's name (set up together with the first school)." };
        var school = new Option<string?>("--school") { Description = "On an empty database: the first school's name." };
        var urn = new Option<string?>("--urn") { Description = "On an empty database: the first school's URN (6 digits)." };
        var create = new Command("create", "Create an administrator. On an empty database this also sets up the trust and first school.")
        {
            email, given, family, password, trust, school, urn,
        };
        create.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var pw = parse.GetValue(password) ?? (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n') ?? "";
            using var host = await SafeUseCli.BuildHostAsync(parse, ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var input = new SetupInput(parse.GetValue(trust) ?? "", parse.GetValue(school) ?? "", parse.GetValue(urn), parse.GetValue(given)!, parse.GetValue(family)!, parse.GetValue(email)!, pw);
            if (!await db.Trusts.AnyAsync(ct))
            {
                Fail(SetupService.Validate(input));
                var person = await scope.ServiceProvider.GetRequiredService<SetupService>().CreateAsync(input, ct);
                Console.WriteLine($"Set up {input.TrustName} with {input.SchoolName}; {person.FullName} ({person.Email}) is the trust administrator.");
                return 0;
            }

            Fail(SetupService.Validate(input with { TrustName = "-", SchoolName = "-", SchoolUrn = null }));
            var normalized = Person.Normalize(input.Email);
            var trustRow = await db.Trusts.OrderBy(t => t.Id).FirstAsync(ct);
            var existing = await db.People.Include(p => p.Roles).FirstOrDefaultAsync(p => p.EmailNormalized == normalized, ct);
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var audit = host.Services.GetRequiredService<AuditTrail>();
            if (existing is null)
            {
                existing = new Person { TrustId = trustRow.Id, GivenName = input.GivenName.Trim(), FamilyName = input.FamilyName.Trim(), Email = input.Email.Trim(), EmailNormalized = normalized, JobTitle = "Administrator", CreatedAt = now, UpdatedAt = now };
                db.People.Add(existing);
                await db.SaveChangesAsync(ct);
            }

            if (!existing.Roles.Any(r => r.Role == Role.Administrator && r.SchoolId == null))
            {
                existing.Roles.Add(new RoleAssignment { Role = Role.Administrator, SchoolId = null });
            }

            // The way back for an administrator marked as a leaver (by a full staff list, say): without it they could never sign in again.
            if (existing.IsLeaver)
            {
                existing.IsLeaver = false;
                existing.LeaveDate = null;
                existing.UpdatedAt = now;
                existing.Version++;
                audit.Record(db, Actor.System, "person.restored", "person", existing.Id, $"{existing.FullName} is no longer a leaver (restored from the command line)");
                Console.WriteLine($"{existing.FullName} was marked as a leaver and is now current again.");
            }

            audit.Record(db, Actor.System, "person.role-granted", "person", existing.Id, $"{existing.FullName} made a trust administrator from the command line", after: new { Role = "administrator" });
            await db.SaveChangesAsync(ct);
            await scope.ServiceProvider.GetRequiredService<SignInService>().SetPasswordAsync(existing, pw, Actor.System, ct);
            Console.WriteLine($"{existing.FullName} ({existing.Email}) is a trust administrator.");
            return 0;
        }));
        return new Command("admin", "Administrator accounts.") { create };
    }

    private static void Fail(List<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            throw new CliException(string.Join(Environment.NewLine + "       ", errors.Select(e => $"{Option(e.Field)}: {e.Message}")));
        }
    }

    private static string Option(string field) => field switch
    {
        "TrustName" => "--trust",
        "SchoolName" => "--school",
        "SchoolUrn" => "--urn",
        "GivenName" => "--given-name",
        "FamilyName" => "--family-name",
        "Email" => "--email",
        "Password" => "--password",
        _ => field,
    };
}
