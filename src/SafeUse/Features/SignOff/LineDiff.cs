using System.Net;
using System.Text;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.SignOff;

/// <summary>What changed between two texts, line by line with changed words marked: added lines in ins, removed in del.</summary>
internal static class LineDiff
{
    public static IHtmlContent Html(string older, string newer)
    {
        var model = SideBySideDiffBuilder.Instance.BuildDiffModel(older, newer, ignoreWhitespace: true);
        var html = new StringBuilder("<div class=\"safeuse-diff\">");
        var changes = 0;
        for (var i = 0; i < model.NewText.Lines.Count; i++)
        {
            var left = i < model.OldText.Lines.Count ? model.OldText.Lines[i] : null;
            var right = model.NewText.Lines[i];
            switch (right.Type)
            {
                case ChangeType.Inserted:
                    html.Append("<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--green\">Added</strong> <ins>").Append(WebUtility.HtmlEncode(right.Text)).Append("</ins></p>");
                    changes++;
                    break;
                case ChangeType.Modified:
                    html.Append("<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--yellow\">Reworded</strong> ");
                    foreach (var piece in right.SubPieces)
                    {
                        var text = WebUtility.HtmlEncode(piece.Text ?? "");
                        html.Append(piece.Type switch { ChangeType.Inserted => $"<ins>{text}</ins>", ChangeType.Modified => $"<ins>{text}</ins>", _ => text });
                    }

                    if (left?.SubPieces is { } removed && removed.Any(p => p.Type is ChangeType.Deleted or ChangeType.Modified))
                    {
                        html.Append(" <span class=\"govuk-body-s\">(was: ");
                        foreach (var piece in removed)
                        {
                            var text = WebUtility.HtmlEncode(piece.Text ?? "");
                            html.Append(piece.Type is ChangeType.Deleted or ChangeType.Modified ? $"<del>{text}</del>" : text);
                        }

                        html.Append(")</span>");
                    }

                    html.Append("</p>");
                    changes++;
                    break;
            }

            if (left?.Type == ChangeType.Deleted)
            {
                html.Append("<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--red\">Removed</strong> <del>").Append(WebUtility.HtmlEncode(left.Text)).Append("</del></p>");
                changes++;
            }
        }

        if (changes == 0)
        {
            html.Append("<p class=\"govuk-body\">No changes to the text.</p>");
        }

        return new HtmlString(html.Append("</div>").ToString());
    }
}
