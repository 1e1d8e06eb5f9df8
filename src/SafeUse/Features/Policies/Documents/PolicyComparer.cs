using System.Net;
using System.Text;
using DiffPlex;
using DiffPlex.Chunkers;
using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.Policies.Documents;

internal enum ClauseChangeKind
{
    Unchanged,
    Added,
    Removed,
    Reworded,
}

internal sealed record WordPiece(string Text, bool Inserted, bool Deleted);

internal sealed record ClauseChange(string Section, string ClauseId, ClauseChangeKind Kind, string? OldText, string? NewText, IReadOnlyList<WordPiece> Words);

/// <summary>Clause by clause, what changed between two versions, with reworded clauses' words marked.</summary>
internal static class PolicyComparer
{
    public static List<ClauseChange> Compare(PolicyDocument older, PolicyDocument newer)
    {
        var oldById = older.AllClauses().GroupBy(x => x.Clause.Id).ToDictionary(g => g.Key, g => g.First());
        var newIds = newer.AllClauses().Select(x => x.Clause.Id).ToHashSet();
        var changes = new List<ClauseChange>();
        foreach (var (section, clause) in newer.AllClauses())
        {
            if (!oldById.TryGetValue(clause.Id, out var before))
            {
                changes.Add(new(section.Title, clause.Id, ClauseChangeKind.Added, null, clause.Text, [new WordPiece(clause.Text, true, false)]));
            }
            else if (before.Clause.Text == clause.Text)
            {
                changes.Add(new(section.Title, clause.Id, ClauseChangeKind.Unchanged, clause.Text, clause.Text, [new WordPiece(clause.Text, false, false)]));
            }
            else
            {
                changes.Add(new(section.Title, clause.Id, ClauseChangeKind.Reworded, before.Clause.Text, clause.Text, WordDiff(before.Clause.Text, clause.Text)));
            }
        }

        foreach (var (section, clause) in older.AllClauses().Where(x => !newIds.Contains(x.Clause.Id)))
        {
            changes.Add(new(section.Title, clause.Id, ClauseChangeKind.Removed, clause.Text, null, [new WordPiece(clause.Text, false, true)]));
        }

        return changes;
    }

    public static List<WordPiece> WordDiff(string older, string newer)
    {
        var diff = Differ.Instance.CreateDiffs(older, newer, ignoreWhiteSpace: false, ignoreCase: false, new WordChunker());
        var oldWords = diff.PiecesOld;
        var newWords = diff.PiecesNew;
        var pieces = new List<WordPiece>();
        var n = 0;
        foreach (var block in diff.DiffBlocks)
        {
            for (; n < block.InsertStartB; n++)
            {
                pieces.Add(new(newWords[n], false, false));
            }

            for (var k = 0; k < block.DeleteCountA; k++)
            {
                pieces.Add(new(oldWords[block.DeleteStartA + k], false, true));
            }

            for (var k = 0; k < block.InsertCountB; k++)
            {
                pieces.Add(new(newWords[block.InsertStartB + k], true, false));
            }

            n = block.InsertStartB + block.InsertCountB;
        }

        for (; n < newWords.Count; n++)
        {
            pieces.Add(new(newWords[n], false, false));
        }

        return pieces;
    }

    /// <summary>The changes as HTML, grouped by section: added, removed and reworded clauses, words marked with ins and del.</summary>
    public static IHtmlContent ToHtml(IReadOnlyList<ClauseChange> changes)
    {
        var shown = changes.Where(c => c.Kind != ClauseChangeKind.Unchanged).ToList();
        var sb = new StringBuilder("<div class=\"safeuse-diff\">");
        if (shown.Count == 0)
        {
            sb.Append("<p class=\"govuk-body\">No clause has changed.</p>");
        }

        foreach (var group in shown.GroupBy(c => c.Section))
        {
            sb.Append("<h3 class=\"govuk-heading-s\">").Append(WebUtility.HtmlEncode(group.Key.Length == 0 ? "Opening" : group.Key)).Append("</h3><ul class=\"govuk-list\">");
            foreach (var c in group)
            {
                var (tag, colour) = c.Kind switch
                {
                    ClauseChangeKind.Added => ("Added", "green"),
                    ClauseChangeKind.Removed => ("Removed", "red"),
                    _ => ("Reworded", "yellow"),
                };
                sb.Append("<li class=\"govuk-!-margin-bottom-3\"><strong class=\"govuk-tag govuk-tag--").Append(colour).Append("\">").Append(tag).Append("</strong> ");
                foreach (var w in c.Words)
                {
                    var text = WebUtility.HtmlEncode(w.Text);
                    sb.Append(w.Inserted ? $"<ins>{text}</ins>" : w.Deleted ? $"<del>{text}</del>" : text);
                }

                sb.Append("</li>");
            }

            sb.Append("</ul>");
        }

        return new HtmlString(sb.Append("</div>").ToString());
    }
}
