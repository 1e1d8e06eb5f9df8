using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Features.SignOff;
using SafeUse.Features.Schools;
using SafeUse.Platform.Audit;
using SafeUse.Platform.Auth;
using SafeUse.Platform.Outbox;

namespace SafeUse.Platform.Data;

internal sealed class AppDbContext(DbContextOptions<AppDbContext> options, DatabaseProvider provider, AuditKey? auditKey = null) : DbContext(options)
{
    public DatabaseProvider Provider => provider;

    /// <summary>The key file the chain's HMACs are made with: outside the database, found by the same settings everywhere.</summary>
    /// <remarks>Optional so that a container that never writes audit events (the outbox sender's, say) needs no key.</remarks>
    public AuditKey AuditKey => auditKey ?? throw new InvalidOperationException("This AppDbContext was made without an AuditKey, so it cannot write or check audit events.");

    public DbSet<Trust> Trusts => Set<Trust>();
    public DbSet<School> Schools => Set<School>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<PersonSchool> PersonSchools => Set<PersonSchool>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();
    public DbSet<SsoSetting> SsoSettings => Set<SsoSetting>();
    public DbSet<SignInLink> SignInLinks => Set<SignInLink>();
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SecondFactor> SecondFactors => Set<SecondFactor>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<SecondFactorRole> SecondFactorRoles => Set<SecondFactorRole>();
    public DbSet<PasskeyCeremony> PasskeyCeremonies => Set<PasskeyCeremony>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<OutboxEmail> Outbox => Set<OutboxEmail>();
    public DbSet<StaffImport> StaffImports => Set<StaffImport>();
    public DbSet<PersonNetworkName> PersonNetworkNames => Set<PersonNetworkName>();
    public DbSet<Features.Pupils.Pupil> Pupils => Set<Features.Pupils.Pupil>();
    public DbSet<Features.Pupils.PupilContact> PupilContacts => Set<Features.Pupils.PupilContact>();
    public DbSet<Features.Pupils.PupilImport> PupilImports => Set<Features.Pupils.PupilImport>();
    public DbSet<Features.Monitoring.MonitoringSetup> MonitoringSetups => Set<Features.Monitoring.MonitoringSetup>();
    public DbSet<Features.Monitoring.LogSource> LogSources => Set<Features.Monitoring.LogSource>();
    public DbSet<Features.Monitoring.LogPosition> LogPositions => Set<Features.Monitoring.LogPosition>();
    public DbSet<Features.Monitoring.Alert> Alerts => Set<Features.Monitoring.Alert>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<PolicySchool> PolicySchools => Set<PolicySchool>();
    public DbSet<PolicyAudience> PolicyAudiences => Set<PolicyAudience>();
    public DbSet<PolicyLink> PolicyLinks => Set<PolicyLink>();
    public DbSet<PolicyVersion> PolicyVersions => Set<PolicyVersion>();
    public DbSet<SignOffRequest> SignOffRequests => Set<SignOffRequest>();
    public DbSet<Signature> Signatures => Set<Signature>();
    public DbSet<PolicyQuery> PolicyQueries => Set<PolicyQuery>();
    public DbSet<ReminderSent> RemindersSent => Set<ReminderSent>();
    public DbSet<ManualReminder> ManualReminders => Set<ManualReminder>();
    public DbSet<Features.Incidents.RoleLabel> RoleLabels => Set<Features.Incidents.RoleLabel>();
    public DbSet<Features.Incidents.ReportKindSetting> ReportKindSettings => Set<Features.Incidents.ReportKindSetting>();
    public DbSet<Features.Incidents.Incident> Incidents => Set<Features.Incidents.Incident>();
    public DbSet<Features.Incidents.IncidentEntry> IncidentEntries => Set<Features.Incidents.IncidentEntry>();
    public DbSet<Features.Incidents.IncidentRecipient> IncidentRecipients => Set<Features.Incidents.IncidentRecipient>();
    public DbSet<Features.Incidents.IncidentAttachment> IncidentAttachments => Set<Features.Incidents.IncidentAttachment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        ApplyNamingAndTimeConventions(modelBuilder);
    }

    /// <summary>
    /// Assigns audit events their place in the hash chain inside the same transaction as the change they record.
    /// The chain is serialised: SQLite transactions from Microsoft.Data.Sqlite begin IMMEDIATE (one writer), and
    /// on PostgreSQL an advisory transaction lock is taken before the last hash is read. Each event's hash is an
    /// HMAC with the audit key (kept outside the database), which the first event after an upgrade makes.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var pending = ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await provider.LockAuditChainAsync(this, cancellationToken);
            var last = await AuditEvents.AsNoTracking().OrderByDescending(e => e.Seq)
                .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var seq = last?.Seq ?? 0;
            var prev = last?.Hash ?? AuditChain.Genesis;
            var key = AuditKey.GetOrCreate(seq + 1);
            foreach (var e in pending)
            {
                e.Seq = ++seq;
                e.PrevHash = prev;
                e.KeyId = key.Id;
                e.Hash = AuditChain.Compute(e, key);
                prev = e.Hash;
            }

            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    private static void ApplyNamingAndTimeConventions(ModelBuilder modelBuilder)
    {
        var utc = new ValueConverter<DateTime, DateTime>(v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcNullable = new ValueConverter<DateTime?, DateTime?>(
            v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
            v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            entity.SetTableName(SnakeCase(entity.ClrType.Name));

            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                if (property.ClrType == typeof(DateTime))
                {
                    property.SetValueConverter(utc);
                }
                else if (property.ClrType == typeof(DateTime?))
                {
                    property.SetValueConverter(utcNullable);
                }
                else if ((Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType) is { IsEnum: true } enumType)
                {
                    // Nullable enums too (Policy.OwnerRole): without a converter EF writes the number into a text
                    // column, which SQLite accepts silently and PostgreSQL refuses to read back.
                    property.SetValueConverter(typeof(EnumToStringConverter<>).MakeGenericType(enumType));
                }
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(SnakeCase(key.GetName()!));
            }

            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(SnakeCase(index.GetDatabaseName()!));
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

/// <summary>A form's one-time key: a double submit finds its key taken and creates nothing twice.</summary>
internal sealed class IdempotencyKey
{
    public required string Key { get; set; }
    public DateTime CreatedAt { get; set; }
}
