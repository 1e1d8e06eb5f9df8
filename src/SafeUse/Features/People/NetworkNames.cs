using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.Schools;

namespace SafeUse.Features.People;

/// <summary>A name a member of staff appears under in web filter and proxy logs: their network user name, or an alias.</summary>
internal sealed class PersonNetworkName
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public long TrustId { get; set; }
    public required string Name { get; set; }

    /// <summary><see cref="NetworkNames.Normalize"/> of the name: unique per trust.</summary>
    public required string NameNormalized { get; set; }

    /// <summary>The network user name itself; the others are aliases.</summary>
    public bool IsPrimary { get; set; }
}

internal sealed class PersonNetworkNameConfiguration : IEntityTypeConfiguration<PersonNetworkName>
{
    public void Configure(EntityTypeBuilder<PersonNetworkName> b)
    {
        b.HasKey(n => n.Id);
        b.Property(n => n.Name).HasMaxLength(NetworkNames.MaxLength);
        b.Property(n => n.NameNormalized).HasMaxLength(NetworkNames.MaxLength);
        b.HasOne<Trust>().WithMany().HasForeignKey(n => n.TrustId);
        b.HasIndex(n => new { n.TrustId, n.NameNormalized }).IsUnique();
        b.HasIndex(n => n.PersonId);
    }
}

/// <summary>
/// How network user names compare. Logs write one account as <c>jsmith</c>, <c>SCHOOL\jsmith</c> or
/// <c>JSmith</c>, so a name is compared without case and without a Windows <c>DOMAIN\</c> prefix. An
/// <c>@domain</c> suffix is kept: <c>jsmith@school.org</c> is a different string (a Microsoft 365 or Google
/// sign-in name) and is recorded as an alias when logs use it.
/// </summary>
internal static class NetworkNames
{
    public const int MaxLength = 254;

    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var n = name.Trim();
        var slash = n.LastIndexOf('\\');
        if (slash >= 0)
        {
            n = n[(slash + 1)..];
        }

        return n.Length == 0 ? null : n.ToLowerInvariant();
    }

    /// <summary>Why a name cannot be a network user name, or null when it can.</summary>
    public static string? Problem(string name)
    {
        var trimmed = name.Trim();
        if (Normalize(trimmed) is null)
        {
            return $"\"{name}\" has no user name after the domain";
        }

        if (trimmed.Length > MaxLength)
        {
            return $"A network user name must be {MaxLength} characters or fewer";
        }

        return trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ';' or ',')
            ? $"\"{trimmed}\" is not a network user name: it must not contain spaces, commas or semicolons"
            : null;
    }

    /// <summary>Aliases as a person types or a CSV cell holds them: separated by semicolons (or commas, or new lines).</summary>
    public static List<string> SplitAliases(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split([';', ',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

internal static class NetworkNameSync
{
    /// <summary>
    /// Makes the person's names exactly <paramref name="wanted"/> (the first primary one is their user name), keeping
    /// rows whose name is unchanged so an unchanged save writes nothing.
    /// </summary>
    public static void Replace(Person p, long trustId, IReadOnlyList<(string Name, bool Primary)> wanted)
    {
        var keys = wanted.Select(w => NetworkNames.Normalize(w.Name)!).ToList();
        p.NetworkNames.RemoveAll(n => !keys.Contains(n.NameNormalized));
        foreach (var (name, primary) in wanted)
        {
            var key = NetworkNames.Normalize(name)!;
            var row = p.NetworkNames.FirstOrDefault(n => n.NameNormalized == key);
            if (row is null)
            {
                p.NetworkNames.Add(new PersonNetworkName { TrustId = trustId, Name = name.Trim(), NameNormalized = key, IsPrimary = primary });
            }
            else
            {
                row.Name = name.Trim();
                row.IsPrimary = primary;
            }
        }
    }
}

/// <summary>Who a network user name belongs to: a member of staff or a pupil (never both: imports and forms refuse a clash).</summary>
internal sealed record NetworkNameOwner(long? PersonId, long? PupilId, long? SchoolId)
{
    public bool IsPupil => PupilId is not null;
}

/// <summary>Looks people up by the names logs give them, for the monitoring engine and for clash checks.</summary>
internal sealed class PeopleDirectory(SafeUse.Platform.Data.AppDbContext db)
{
    /// <summary>The staff member or current pupil of the trust with this network name (normalised), or null.</summary>
    public async Task<NetworkNameOwner?> FindByNetworkNameAsync(long trustId, string name, CancellationToken ct)
    {
        if (NetworkNames.Normalize(name) is not { } key)
        {
            return null;
        }

        var personId = await db.PersonNetworkNames.AsNoTracking().Where(n => n.TrustId == trustId && n.NameNormalized == key)
            .Select(n => (long?)n.PersonId).FirstOrDefaultAsync(ct);
        if (personId is not null)
        {
            return new(personId, null, null);
        }

        var pupil = await db.Pupils.AsNoTracking().Where(p => p.TrustId == trustId && p.NetworkUserNameNormalized == key)
            .OrderBy(p => p.IsLeaver).ThenByDescending(p => p.UpdatedAt).Select(p => new { p.Id, p.SchoolId }).FirstOrDefaultAsync(ct);
        return pupil is null ? null : new(null, pupil.Id, pupil.SchoolId);
    }
}
