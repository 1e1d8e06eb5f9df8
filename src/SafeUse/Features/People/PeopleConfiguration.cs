using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.Schools;

namespace SafeUse.Features.People;

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.HasKey(p => p.Id);
        b.Ignore(p => p.FullName);
        b.Ignore(p => p.NetworkUserName);
        b.Property(p => p.GivenName).HasMaxLength(100);
        b.Property(p => p.FamilyName).HasMaxLength(100);
        b.Property(p => p.Email).HasMaxLength(254);
        b.Property(p => p.EmailNormalized).HasMaxLength(254);
        b.Property(p => p.StaffCode).HasMaxLength(32);
        b.Property(p => p.JobTitle).HasMaxLength(200);
        b.Property(p => p.StaffGroup).HasMaxLength(100);
        b.Property(p => p.EmploymentType).HasMaxLength(20);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne<Trust>().WithMany().HasForeignKey(p => p.TrustId);
        b.HasOne<Person>().WithMany().HasForeignKey(p => p.LineManagerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Schools).WithOne().HasForeignKey(s => s.PersonId);
        b.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.PersonId);
        b.HasMany(p => p.NetworkNames).WithOne().HasForeignKey(n => n.PersonId);
        b.HasIndex(p => new { p.TrustId, p.EmailNormalized }).IsUnique();
        b.HasIndex(p => new { p.TrustId, p.StaffCode }).IsUnique();
        b.HasIndex(p => new { p.FamilyName, p.GivenName });
    }
}

internal sealed class PersonSchoolConfiguration : IEntityTypeConfiguration<PersonSchool>
{
    public void Configure(EntityTypeBuilder<PersonSchool> b)
    {
        b.HasKey(ps => new { ps.PersonId, ps.SchoolId });
        b.HasOne<School>().WithMany().HasForeignKey(ps => ps.SchoolId);
        b.HasIndex(ps => ps.SchoolId);
    }
}

internal sealed class RoleAssignmentConfiguration : IEntityTypeConfiguration<RoleAssignment>
{
    public void Configure(EntityTypeBuilder<RoleAssignment> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Role).HasMaxLength(32);
        b.HasOne<School>().WithMany().HasForeignKey(r => r.SchoolId);
        b.HasIndex(r => new { r.PersonId, r.Role, r.SchoolId }).IsUnique();
    }
}

internal sealed class StaffImportConfiguration : IEntityTypeConfiguration<StaffImport>
{
    public void Configure(EntityTypeBuilder<StaffImport> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.FileName).HasMaxLength(260);
        b.HasOne<School>().WithMany().HasForeignKey(i => i.SchoolId);
    }
}
