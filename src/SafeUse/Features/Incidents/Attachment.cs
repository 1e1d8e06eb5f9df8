using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;

namespace SafeUse.Features.Incidents;

/// <summary>
/// A file added to an incident by the entry that added it (the report, or a handler's "file added" entry). The file
/// itself is on disk outside the web root under <see cref="StoredName"/>, a random id; the row keeps what was checked
/// when it arrived (its type by content, size and SHA-256), so a copy changed on disk is refused. Never changed or
/// deleted: the database refuses, as for the entries.
/// </summary>
internal sealed class IncidentAttachment
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public long EntryId { get; set; }
    public IncidentEntry? Entry { get; set; }

    /// <summary>The name shown and given to a download: the sender's, made safe, ending in the detected type's extension.</summary>
    public required string FileName { get; set; }

    /// <summary>The type found in the file's bytes, never the one the browser sent.</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }

    /// <summary>SHA-256 of the bytes as they arrived, lowercase hex.</summary>
    public required string Sha256 { get; set; }
    public required string StoredName { get; set; }
    public long? AddedById { get; set; }
    public required string AddedByName { get; set; }
    public DateTime AddedAt { get; set; }
}

internal sealed class IncidentAttachmentConfiguration : IEntityTypeConfiguration<IncidentAttachment>
{
    public void Configure(EntityTypeBuilder<IncidentAttachment> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(120);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.StoredName).HasMaxLength(64);
        b.Property(a => a.AddedByName).HasMaxLength(200);
        b.HasIndex(a => a.IncidentId);
        b.HasIndex(a => a.EntryId);
        b.HasIndex(a => a.StoredName).IsUnique();
        b.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.Entry).WithMany().HasForeignKey(a => a.EntryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(a => a.AddedById).OnDelete(DeleteBehavior.Restrict);
    }
}
