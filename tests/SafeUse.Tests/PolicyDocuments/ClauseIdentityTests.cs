using SafeUse.Features.Policies.Documents;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.PolicyDocuments;

public sealed class ClauseIdentityTests
{
    private const string Original = """
        ## 1 Passwords

        - Use a passphrase of three random words.
        - Never share your password with anyone.
        - Lock your screen when you leave the room.

        ## 2 Email

        - Use school email for school business.
        - Check recipients before sending personal data.
        """;

    private static PolicyDocument Doc(string markdown, PolicyDocument? previous = null)
    {
        var doc = PolicyStructure.Parse(markdown);
        ClauseIdentity.Assign(previous, doc);
        return doc;
    }

    private static Dictionary<string, string> Ids(PolicyDocument doc) => doc.AllClauses().ToDictionary(c => c.Clause.Text, c => c.Clause.Id);

    [Fact]
    public void The_first_version_gets_distinct_deterministic_ids()
    {
        var a = Ids(Doc(Original));
        a.Values.Distinct().Count().ShouldBe(5);
        Ids(Doc(Original)).ShouldBe(a);
    }

    [Fact]
    public void A_clause_inserted_at_the_top_leaves_the_others_their_ids()
    {
        var v1 = Doc(Original);
        var v2 = Doc(Original.Replace("- Use a passphrase", "- Turn on two-step sign-in.\n- Use a passphrase"), v1);
        var before = Ids(v1);
        var after = Ids(v2);
        foreach (var (text, id) in before)
        {
            after[text].ShouldBe(id);
        }

        before.Values.ShouldNotContain(after["Turn on two-step sign-in."]);
    }

    [Fact]
    public void A_reworded_clause_keeps_its_id_and_a_deleted_one_disappears()
    {
        var v1 = Doc(Original);
        var v2 = Doc(Original.Replace("Never share your password with anyone.", "Never share your password with anyone, including IT staff.")
            .Replace("- Lock your screen when you leave the room.\n", ""), v1);
        Ids(v2)["Never share your password with anyone, including IT staff."].ShouldBe(Ids(v1)["Never share your password with anyone."]);
        Ids(v2).Values.ShouldNotContain(Ids(v1)["Lock your screen when you leave the room."]);
    }

    [Fact]
    public void Sections_moved_around_keep_their_clauses_ids()
    {
        var v1 = Doc(Original);
        var swapped = "## 2 Email\n\n- Use school email for school business.\n- Check recipients before sending personal data.\n\n## 1 Passwords\n\n- Use a passphrase of three random words.\n- Never share your password with anyone.\n- Lock your screen when you leave the room.\n";
        Ids(Doc(swapped, v1)).OrderBy(kv => kv.Key).ShouldBe(Ids(v1).OrderBy(kv => kv.Key));
    }

    [Fact]
    public void A_different_clause_in_the_same_place_is_new_not_reworded()
    {
        var v1 = Doc(Original);
        var v2 = Doc(Original.Replace("Lock your screen when you leave the room.", "Report phishing emails to the IT team."), v1);
        Ids(v1).Values.ShouldNotContain(Ids(v2)["Report phishing emails to the IT team."]);
    }

    [Fact]
    public void The_comparison_lists_added_removed_and_reworded_clauses_with_the_words_marked()
    {
        var v1 = Doc(Original);
        var v2 = Doc(Original.Replace("Never share your password with anyone.", "Never share your password with anyone, including IT staff.")
            .Replace("- Lock your screen when you leave the room.\n", "")
            .Replace("- Check recipients", "- Encrypt attachments that hold pupil data.\n- Check recipients"), v1);
        var changes = PolicyComparer.Compare(v1, v2).Where(c => c.Kind != ClauseChangeKind.Unchanged).ToList();
        changes.Select(c => (c.Kind, c.Section)).ShouldBe([
            (ClauseChangeKind.Reworded, "1 Passwords"),
            (ClauseChangeKind.Added, "2 Email"),
            (ClauseChangeKind.Removed, "1 Passwords"),
        ]);
        var reworded = changes[0];
        string.Concat(reworded.Words.Where(w => w.Inserted).Select(w => w.Text)).ShouldContain("including IT staff");
        string.Concat(reworded.Words.Where(w => !w.Deleted).Select(w => w.Text)).ShouldBe("Never share your password with anyone, including IT staff.");
        string.Concat(reworded.Words.Where(w => !w.Inserted).Select(w => w.Text)).ShouldBe("Never share your password with anyone.");
        var html = PolicyComparer.ToHtml(PolicyComparer.Compare(v1, v2)).ToString()!;
        html.ShouldContain("<del>Lock your screen when you leave the room.</del>");
        html.ShouldContain("<ins>Encrypt attachments that hold pupil data.</ins>");
    }

    [Fact]
    public void The_canonical_markdown_reads_back_to_the_same_structure()
    {
        var doc = PolicyDocumentReader.Read("pasted-aup.txt", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "PolicyDocuments", "Fixtures", "pasted-aup.txt")));
        var again = PolicyStructure.Parse(PolicyDocumentJson.ToMarkdown(doc));
        again.AllClauses().Select(c => c.Clause.Text).ShouldBe(doc.AllClauses().Select(c => c.Clause.Text));
        again.AllSections().Select(s => s.Title).ShouldBe(doc.AllSections().Select(s => s.Title));
        again.Tables.Single().Rows.ShouldBe(doc.Tables.Single().Rows);
    }
}
