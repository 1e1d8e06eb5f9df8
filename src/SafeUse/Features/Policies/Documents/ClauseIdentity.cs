using System.Security.Cryptography;
using System.Text;

namespace SafeUse.Features.Policies.Documents;

/// <summary>
/// Gives every clause a stable id: a clause that is unchanged (same words anywhere) or reworded (same section, close
/// position, similar words) keeps the id it had in the previous version; anything else gets a new one.
/// </summary>
internal static class ClauseIdentity
{
    /// <summary>How alike two clauses' words must be to count as the same clause reworded (Dice coefficient of words).</summary>
    public const double RewordedThreshold = 0.5;

    public static void Assign(PolicyDocument? previous, PolicyDocument next)
    {
        var used = new HashSet<string>();
        var old = previous?.AllClauses().ToList() ?? [];
        var taken = new HashSet<DocClause>();
        var pending = new List<(DocSection Section, DocClause Clause, int Position)>();

        // Pass 1: identical text keeps its id.
        var position = 0;
        foreach (var (section, clause) in next.AllClauses())
        {
            var same = old.FirstOrDefault(o => !taken.Contains(o.Clause) && Normal(o.Clause.Text) == Normal(clause.Text) && o.Clause.Id.Length > 0);
            if (same.Clause is not null)
            {
                clause.Id = same.Clause.Id;
                taken.Add(same.Clause);
                used.Add(clause.Id);
            }
            else
            {
                pending.Add((section, clause, position));
            }

            position++;
        }

        // Pass 2: in the same section, the most similar remaining clause nearby is the same clause reworded.
        var oldPositions = old.Select((o, k) => (o.Section, o.Clause, Position: k)).ToList();
        foreach (var (section, clause, pos) in pending)
        {
            var best = oldPositions
                .Where(o => !taken.Contains(o.Clause) && o.Clause.Id.Length > 0 && o.Section.Key == section.Key)
                .Select(o => (o.Clause, Score: Similarity(o.Clause.Text, clause.Text) - (Math.Abs(o.Position - pos) * 0.01)))
                .Where(x => x.Score >= RewordedThreshold)
                .OrderByDescending(x => x.Score)
                .FirstOrDefault();
            if (best.Clause is not null)
            {
                clause.Id = best.Clause.Id;
                taken.Add(best.Clause);
                used.Add(clause.Id);
            }
            else
            {
                clause.Id = "";
            }
        }

        foreach (var (section, clause, pos) in pending.Where(p => p.Clause.Id.Length == 0))
        {
            clause.Id = NewId(section.Title + "\u001f" + clause.Text + "\u001f" + pos, used);
        }
    }

    /// <summary>Dice coefficient over the clauses' words: 1 for the same words, 0 for none in common.</summary>
    public static double Similarity(string a, string b)
    {
        var wa = Words(a);
        var wb = Words(b);
        if (wa.Count == 0 && wb.Count == 0)
        {
            return 1;
        }

        var counts = wa.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var common = 0;
        foreach (var w in wb)
        {
            if (counts.TryGetValue(w, out var c) && c > 0)
            {
                counts[w] = c - 1;
                common++;
            }
        }

        return 2.0 * common / (wa.Count + wb.Count);
    }

    private static List<string> Words(string s) =>
        s.ToLowerInvariant().Split((char[])[' ', ',', '.', ';', ':', '(', ')', '"', '\'', '!', '?', '-', '/'], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Normal(string s) => string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static string NewId(string seed, HashSet<string> used)
    {
        for (var salt = 0; ; salt++)
        {
            var id = "c-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed + salt)))[..6];
            if (used.Add(id))
            {
                return id;
            }
        }
    }
}
