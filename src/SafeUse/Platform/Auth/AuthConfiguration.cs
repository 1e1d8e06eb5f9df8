using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;

namespace SafeUse.Platform.Auth;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.HasKey(a => a.PersonId);
        b.Property(a => a.PersonId).ValueGeneratedNever();
        b.Property(a => a.SecurityStamp).HasMaxLength(64);
        b.HasOne<Person>().WithOne().HasForeignKey<Account>(a => a.PersonId);
    }
}

internal sealed class ExternalLoginConfiguration : IEntityTypeConfiguration<ExternalLogin>
{
    public void Configure(EntityTypeBuilder<ExternalLogin> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.Provider).HasMaxLength(32);
        b.Property(l => l.Subject).HasMaxLength(200);
        b.HasOne<Person>().WithMany().HasForeignKey(l => l.PersonId);
        b.HasIndex(l => new { l.Provider, l.Subject }).IsUnique();
        b.HasIndex(l => new { l.PersonId, l.Provider }).IsUnique();
    }
}

internal sealed class SignInLinkConfiguration : IEntityTypeConfiguration<SignInLink>
{
    public void Configure(EntityTypeBuilder<SignInLink> b)
    {
        b.HasKey(l => l.Id);
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.HasOne<Person>().WithMany().HasForeignKey(l => l.PersonId);
        b.HasIndex(l => l.TokenHash).IsUnique();
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.HasKey(t => t.Key);
        b.Property(t => t.Key).HasMaxLength(300);
    }
}
