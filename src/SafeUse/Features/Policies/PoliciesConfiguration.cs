using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;
using SafeUse.Features.Schools;
using SafeUse.Features.SignOff;

namespace SafeUse.Features.Policies;

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Title).HasMaxLength(300);
        b.Property(p => p.Scope).HasMaxLength(16);
        b.Property(p => p.OwnerRole).HasMaxLength(32);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne<Trust>().WithMany().HasForeignKey(p => p.TrustId);
        b.HasOne<Person>().WithMany().HasForeignKey(p => p.OwnerPersonId);
        b.HasMany(p => p.Schools).WithOne().HasForeignKey(s => s.PolicyId);
        b.HasMany(p => p.Audience).WithOne().HasForeignKey(a => a.PolicyId);
        b.HasMany(p => p.Links).WithOne().HasForeignKey(l => l.PolicyId);
    }
}

internal sealed class PolicySchoolConfiguration : IEntityTypeConfiguration<PolicySchool>
{
    public void Configure(EntityTypeBuilder<PolicySchool> b)
    {
        b.HasKey(s => new { s.PolicyId, s.SchoolId });
        b.HasOne<School>().WithMany().HasForeignKey(s => s.SchoolId);
    }
}

internal sealed class PolicyAudienceConfiguration : IEntityTypeConfiguration<PolicyAudience>
{
    public void Configure(EntityTypeBuilder<PolicyAudience> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Kind).HasMaxLength(20);
        b.Property(a => a.Value).HasMaxLength(40);
    }
}

internal sealed class PolicyLinkConfiguration : IEntityTypeConfiguration<PolicyLink>
{
    public void Configure(EntityTypeBuilder<PolicyLink> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.Title).HasMaxLength(300);
        b.Property(l => l.Url).HasMaxLength(1000);
        b.HasOne<Policy>().WithMany().HasForeignKey(l => l.LinkedPolicyId);
    }
}

internal sealed class PolicyVersionConfiguration : IEntityTypeConfiguration<PolicyVersion>
{
    public void Configure(EntityTypeBuilder<PolicyVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.Number).HasMaxLength(20);
        b.Property(v => v.Status).HasMaxLength(16);
        b.Property(v => v.Kind).HasMaxLength(16);
        b.Property(v => v.TextSha256).HasMaxLength(64);
        b.Property(v => v.Version).IsConcurrencyToken();
        b.HasOne<Policy>().WithMany().HasForeignKey(v => v.PolicyId);
        b.HasIndex(v => new { v.PolicyId, v.Number }).IsUnique();
    }
}

internal sealed class SignOffRequestConfiguration : IEntityTypeConfiguration<SignOffRequest>
{
    public void Configure(EntityTypeBuilder<SignOffRequest> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Status).HasMaxLength(16);
        b.HasOne<PolicyVersion>().WithMany().HasForeignKey(r => r.PolicyVersionId);
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId);
        b.HasIndex(r => new { r.PolicyVersionId, r.PersonId }).IsUnique();
        b.HasIndex(r => new { r.PersonId, r.Status });
        b.HasIndex(r => new { r.PolicyId, r.Status });
    }
}

internal sealed class SignatureConfiguration : IEntityTypeConfiguration<Signature>
{
    public void Configure(EntityTypeBuilder<Signature> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.TextSha256).HasMaxLength(64);
        b.Property(s => s.TypedName).HasMaxLength(200);
        b.Property(s => s.Method).HasMaxLength(20);
        b.Property(s => s.IpAddress).HasMaxLength(45);
        b.Property(s => s.UserAgent).HasMaxLength(500);
        b.HasOne<PolicyVersion>().WithMany().HasForeignKey(s => s.PolicyVersionId);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId);
        // One signature per person per version: a double submit finds this taken and creates nothing.
        b.HasIndex(s => new { s.PolicyVersionId, s.PersonId }).IsUnique();
    }
}

internal sealed class PolicyQueryConfiguration : IEntityTypeConfiguration<PolicyQuery>
{
    public void Configure(EntityTypeBuilder<PolicyQuery> b)
    {
        b.HasKey(q => q.Id);
        b.HasOne<PolicyVersion>().WithMany().HasForeignKey(q => q.PolicyVersionId);
        b.HasOne<Person>().WithMany().HasForeignKey(q => q.PersonId);
    }
}

internal sealed class ReminderSentConfiguration : IEntityTypeConfiguration<ReminderSent>
{
    public void Configure(EntityTypeBuilder<ReminderSent> b)
    {
        b.HasKey(r => r.Id);
        b.HasOne<SignOffRequest>().WithMany().HasForeignKey(r => r.RequestId);
        b.HasIndex(r => new { r.RequestId, r.Step }).IsUnique();
    }
}

internal sealed class ManualReminderConfiguration : IEntityTypeConfiguration<ManualReminder>
{
    public void Configure(EntityTypeBuilder<ManualReminder> b)
    {
        b.HasKey(r => new { r.RequestId, r.SentOn });
        b.HasOne<SignOffRequest>().WithMany().HasForeignKey(r => r.RequestId);
    }
}
