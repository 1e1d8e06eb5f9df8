using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Features.Schools;

namespace SafeUse.Features.Monitoring;

/// <summary>A school's monitoring set-up: its rules (the YAML the CLI reads) and the folder of its category lists.</summary>
internal sealed class MonitoringSetup
{
    public long Id { get; set; }
    public long SchoolId { get; set; }
    public string? RulesYaml { get; set; }
    public string? ListsPath { get; set; }
    public int Version { get; set; }
    public long? UpdatedByPersonId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A log on the server that a school's web filter, proxy or DNS resolver writes: a path or a glob.</summary>
internal sealed class LogSource
{
    public const int MaxExamples = 5;

    public long Id { get; set; }
    public long SchoolId { get; set; }
    public required string Name { get; set; }
    public required string Path { get; set; }

    /// <summary>A <see cref="SafeUse.Monitoring.LogFormat"/> name in lower case, or "auto".</summary>
    public string Format { get; set; } = "auto";

    /// <summary>The zone of the IP map's times that carry none (the rules carry their own zone for the logs).</summary>
    public string TimeZone { get; set; } = School.DefaultTimeZone;

    /// <summary>csv (ip,user,from,to) or null; dnsmasq and ISC dhcpd lease files come in a later slice.</summary>
    public string? IpMapKind { get; set; }
    public string? IpMapPath { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime? LastIngestAt { get; set; }

    /// <summary>Lines read and skipped since the source was added.</summary>
    public long LinesRead { get; set; }
    public long LinesSkipped { get; set; }

    /// <summary>The latest skipped lines' places and reasons (never their text), one a line.</summary>
    public string? SkippedExamples { get; set; }
    public string? LastError { get; set; }

    /// <summary>Who is ingesting the source now, and until when: the CLI and the web app never read one source at once.</summary>
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>How far one file of a source has been read, and how to know the file again.</summary>
internal sealed class LogPosition
{
    public long Id { get; set; }
    public long LogSourceId { get; set; }

    /// <summary>The file's name when last read (for people reading the table; files are matched by identity and head).</summary>
    public required string Path { get; set; }
    public long Device { get; set; }
    public long Inode { get; set; }

    /// <summary>Bytes of the file's content read (of the uncompressed content, for a .gz file), always at a line's end.</summary>
    public long Offset { get; set; }
    public int HeadLength { get; set; }

    /// <summary>SHA-256 (hex) of the first <see cref="HeadLength"/> bytes of content.</summary>
    public required string HeadHash { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal enum AlertState
{
    New,
    Acknowledged,
    FalsePositive,
    Escalated,
    Resolved,
}

/// <summary>A rule's hit (or a storm of hits by one person under one rule) found in a school's logs.</summary>
internal sealed class Alert
{
    public long Id { get; set; }
    public long SchoolId { get; set; }
    public long? LogSourceId { get; set; }
    public long? PersonId { get; set; }
    public long? PupilId { get; set; }

    /// <summary>The log's user name when it names nobody SafeUse knows (null when attributed or when the log had none).</summary>
    public string? UserName { get; set; }
    public string? Ip { get; set; }
    public required string Host { get; set; }
    public required string Url { get; set; }

    /// <summary>Category names, comma separated.</summary>
    public string Categories { get; set; } = "";
    public required string RuleId { get; set; }
    public string? Clause { get; set; }
    public required string Severity { get; set; }
    public string? SearchText { get; set; }
    public int Count { get; set; } = 1;
    public DateTime FirstAt { get; set; }
    public DateTime LastAt { get; set; }
    public AlertState State { get; set; } = AlertState.New;
    public string? StateReason { get; set; }
    public DateTime CreatedAt { get; set; }

    public bool IsOpen => State is AlertState.New or AlertState.Acknowledged;
}

internal sealed class MonitoringSetupConfiguration : IEntityTypeConfiguration<MonitoringSetup>
{
    public void Configure(EntityTypeBuilder<MonitoringSetup> b)
    {
        b.HasKey(s => s.Id);
        b.HasOne<School>().WithMany().HasForeignKey(s => s.SchoolId);
        b.HasIndex(s => s.SchoolId).IsUnique();
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class LogSourceConfiguration : IEntityTypeConfiguration<LogSource>
{
    public void Configure(EntityTypeBuilder<LogSource> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(120);
        b.Property(s => s.Path).HasMaxLength(1024);
        b.Property(s => s.IpMapPath).HasMaxLength(1024);
        b.HasOne<School>().WithMany().HasForeignKey(s => s.SchoolId);
        b.HasIndex(s => s.SchoolId);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class LogPositionConfiguration : IEntityTypeConfiguration<LogPosition>
{
    public void Configure(EntityTypeBuilder<LogPosition> b)
    {
        b.HasKey(p => p.Id);
        b.HasOne<LogSource>().WithMany().HasForeignKey(p => p.LogSourceId);
        b.HasIndex(p => new { p.LogSourceId, p.Device, p.Inode });
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.HasKey(a => a.Id);
        b.Ignore(a => a.IsOpen);
        b.HasOne<School>().WithMany().HasForeignKey(a => a.SchoolId);
        b.HasOne<LogSource>().WithMany().HasForeignKey(a => a.LogSourceId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId);
        b.HasOne<Pupils.Pupil>().WithMany().HasForeignKey(a => a.PupilId);
        b.HasIndex(a => new { a.SchoolId, a.State, a.LastAt });
        b.HasIndex(a => a.PersonId);
        b.HasIndex(a => a.PupilId);
        b.HasIndex(a => new { a.SchoolId, a.RuleId });
    }
}
