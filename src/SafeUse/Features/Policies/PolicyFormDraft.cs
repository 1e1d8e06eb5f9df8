using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SafeUse.Features.People;

namespace SafeUse.Features.Policies;

/// <summary>
/// The answers so far of one person's "Add a policy" form, kept on the server between its steps so that nothing a
/// browser sends back can stand in for them. It belongs to the person who started it; its key is also the form's
/// one-time key, so creating the policy twice from it creates one.
/// </summary>
internal sealed class PolicyFormDraft
{
    public required string Key { get; set; }
    public long PersonId { get; set; }

    /// <summary>The answers as JSON (<see cref="NewPolicyAnswers"/>).</summary>
    public required string Answers { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>What the steps of "Add a policy" have collected, and which steps have been answered.</summary>
internal sealed class NewPolicyAnswers
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public PolicyForm Policy { get; set; } = new();
    public string? Text { get; set; }
    public string? Declaration { get; set; } = PolicyText.DefaultDeclaration;

    /// <summary>The file the answers were read from, for the audit trail.</summary>
    public string? ImportedFrom { get; set; }

    /// <summary>What was read from that file ("2 sections, 3 clauses"), shown until the text step is answered.</summary>
    public string? ImportedSummary { get; set; }

    public List<string> Done { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static NewPolicyAnswers FromJson(string json) => JsonSerializer.Deserialize<NewPolicyAnswers>(json, Json) ?? new();
}

internal sealed class PolicyFormDraftConfiguration : IEntityTypeConfiguration<PolicyFormDraft>
{
    public void Configure(EntityTypeBuilder<PolicyFormDraft> b)
    {
        b.HasKey(d => d.Key);
        b.Property(d => d.Key).HasMaxLength(32);
        b.HasOne<Person>().WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.PersonId);
    }
}
