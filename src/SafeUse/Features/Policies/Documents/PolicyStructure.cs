using Microsoft.AspNetCore.Html;

namespace SafeUse.Features.Policies.Documents;

/// <summary>A version's clause structure: parsed from its Markdown, with ids carried over from the version before.</summary>
internal static class PolicyStructure
{
    public static PolicyDocument Parse(string markdown) => DocumentBuilder.Build(MarkdownReader.Read(markdown));

    /// <summary>The structure of a version's text with clause ids carried from the previous version's structure.</summary>
    public static string For(string markdown, PolicyVersion? previous)
    {
        var doc = Parse(markdown);
        ClauseIdentity.Assign(previous is null ? null : Load(previous), doc);
        return PolicyDocumentJson.Serialize(doc);
    }

    public static PolicyDocument Load(PolicyVersion version)
    {
        if (version.StructureJson is { } json)
        {
            return PolicyDocumentJson.Deserialize(json);
        }

        var doc = Parse(version.Markdown);
        ClauseIdentity.Assign(null, doc);
        return doc;
    }

    /// <summary>What changed from one version to another, clause by clause, as HTML.</summary>
    public static IHtmlContent Changes(PolicyVersion older, PolicyVersion newer)
    {
        var before = Load(older);
        PolicyDocument after;
        if (newer.StructureJson is { } json)
        {
            after = PolicyDocumentJson.Deserialize(json);
        }
        else
        {
            after = Parse(newer.Markdown);
            ClauseIdentity.Assign(before, after);
        }

        return PolicyComparer.ToHtml(PolicyComparer.Compare(before, after));
    }
}
