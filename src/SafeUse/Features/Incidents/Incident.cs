using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Features.Schools;

namespace SafeUse.Features.Incidents;

/// <summary>A school's own name for a canonical role ("Digital Lead" for the online safety lead), shown to its people.</summary>
internal sealed class RoleLabel
{
    public long SchoolId { get; set; }
    public Role Role { get; set; }
    public required string Label { get; set; }
}

/// <summary>A school's settings for one kind of report: its name there, whether it is offered, files, and its route.</summary>
internal sealed class ReportKindSetting
{
    public long SchoolId { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool AttachmentsAllowed { get; set; }

    /// <summary>Recipients in order, comma-separated role codes or <see cref="Route.LineManager"/>.</summary>
    public required string Route { get; set; }

    /// <summary>Null: every step is told at once. Otherwise the first step has this many hours to acknowledge before the next is told.</summary>
    public int? AcknowledgeHours { get; set; }

    /// <summary>The school's own questions, one per line; a line ending "(required)" must be answered. See <see cref="OwnQuestions"/>.</summary>
    public string? Questions { get; set; }

    /// <summary>Codes of SafeUse's optional questions the school does not ask, comma-separated.</summary>
    public string? Omitted { get; set; }
}

internal enum IncidentStatus
{
    Received,
    BeingLookedAt,
    Closed,
}

/// <summary>
/// A report and what was done about it. The row holds where it stands now (status, who acknowledged, the outcome);
/// what was said and done is in its <see cref="IncidentEntry"/> rows, which are never changed.
/// </summary>
internal sealed class Incident
{
    public long Id { get; set; }
    public long SchoolId { get; set; }
    public required string Kind { get; set; }

    /// <summary>The school's code, the year and a number counted per school and year: HIL-2026-0042.</summary>
    public required string Reference { get; set; }
    public int Year { get; set; }
    public int Number { get; set; }

    /// <summary>Allegations and low-level concerns about staff: seen only by the case manager and the DSL.</summary>
    public bool Restricted { get; set; }

    public IncidentStatus Status { get; set; }
    public long ReporterId { get; set; }

    /// <summary>When a member of staff records what a pupil, parent or visitor told them: who that was.</summary>
    public string? ReportedBy { get; set; }

    /// <summary>The member of staff the report is about, if any: never sent it, never shown it.</summary>
    public long? SubjectId { get; set; }

    public DateTime OccurredAt { get; set; }

    /// <summary>A personal-data breach: when the school became aware; the 72-hour clock runs from here.</summary>
    public DateTime? AwareAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public long? AcknowledgedById { get; set; }

    /// <summary>The last step of the route that has been told (steps after it wait for the first to acknowledge).</summary>
    public int NotifiedStep { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? Outcome { get; set; }
    public int Version { get; set; }
}

/// <summary>One thing said or done about an incident: written once, never changed or deleted (the database refuses).</summary>
internal sealed class IncidentEntry
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Type { get; set; }
    public long? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public DateTime At { get; set; }
    public required string Text { get; set; }

    /// <summary>The entry's own fields as JSON (a report's answers, an action's owner and due date, a breach decision).</summary>
    public string? Data { get; set; }

    /// <summary>The entry this one corrects, or the action it marks done.</summary>
    public long? RefersToId { get; set; }
}

/// <summary>Who an incident was routed to, at which step, why, and when they were told.</summary>
internal sealed class IncidentRecipient
{
    public long IncidentId { get; set; }
    public long PersonId { get; set; }
    public int Step { get; set; }
    public required string Reason { get; set; }
    public DateTime? NotifiedAt { get; set; }
}

internal sealed class RoleLabelConfiguration : IEntityTypeConfiguration<RoleLabel>
{
    public void Configure(EntityTypeBuilder<RoleLabel> b)
    {
        b.HasKey(l => new { l.SchoolId, l.Role });
        b.Property(l => l.Role).HasMaxLength(32);
        b.Property(l => l.Label).HasMaxLength(80);
        b.HasOne<School>().WithMany().HasForeignKey(l => l.SchoolId);
    }
}

internal sealed class ReportKindSettingConfiguration : IEntityTypeConfiguration<ReportKindSetting>
{
    public void Configure(EntityTypeBuilder<ReportKindSetting> b)
    {
        b.HasKey(k => new { k.SchoolId, k.Kind });
        b.Property(k => k.Kind).HasMaxLength(40);
        b.Property(k => k.Name).HasMaxLength(120);
        b.Property(k => k.Route).HasMaxLength(400);
        b.Property(k => k.Questions).HasMaxLength(OwnQuestions.MaxStored);
        b.Property(k => k.Omitted).HasMaxLength(400);
        b.HasOne<School>().WithMany().HasForeignKey(k => k.SchoolId);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.Kind).HasMaxLength(40);
        b.Property(i => i.Reference).HasMaxLength(24);
        b.Property(i => i.Status).HasMaxLength(20);
        b.Property(i => i.ReportedBy).HasMaxLength(200);
        b.Property(i => i.Outcome).HasMaxLength(40);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.HasIndex(i => i.Reference).IsUnique();
        b.HasIndex(i => new { i.SchoolId, i.Year, i.Number }).IsUnique();
        b.HasIndex(i => i.ReporterId);
        b.HasIndex(i => i.SubjectId);
        b.HasOne<School>().WithMany().HasForeignKey(i => i.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(i => i.ReporterId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(i => i.SubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(i => i.AcknowledgedById).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentEntryConfiguration : IEntityTypeConfiguration<IncidentEntry>
{
    public void Configure(EntityTypeBuilder<IncidentEntry> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasMaxLength(30);
        b.Property(e => e.AuthorName).HasMaxLength(200);
        b.HasIndex(e => e.IncidentId);
        b.HasOne<Incident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(e => e.AuthorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<IncidentEntry>().WithMany().HasForeignKey(e => e.RefersToId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentRecipientConfiguration : IEntityTypeConfiguration<IncidentRecipient>
{
    public void Configure(EntityTypeBuilder<IncidentRecipient> b)
    {
        b.HasKey(r => new { r.IncidentId, r.PersonId });
        b.Property(r => r.Reason).HasMaxLength(40);
        b.HasIndex(r => r.PersonId);
        b.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
