using System.Globalization;
using System.Text.RegularExpressions;
using SafeUse.Features.People;

namespace SafeUse.Features.Policies.Documents;

/// <summary>What an imported document says about the policy record: recognised metadata fills the form; the rest stays in the text.</summary>
internal static partial class PolicyImport
{
    public static PolicyForm ToForm(PolicyDocument doc, PolicyForm? into = null)
    {
        var form = into ?? new PolicyForm();
        form.Title = BestTitle(doc);
        var links = new List<string>();
        var legislation = new List<string>();
        foreach (var (label, value) in doc.Metadata)
        {
            var key = Key(label);
            switch (key)
            {
                case "title" or "policytitle" or "policyname" or "nameofpolicy":
                    form.Title = value;
                    break;
                case "owner" or "policyowner" or "responsible" or "responsibleperson" or "leadperson" or "staffresponsible":
                    if (RoleFrom(value) is { } role)
                    {
                        form.OwnerRole = role.ToString();
                    }
                    else
                    {
                        form.Originator ??= value;
                    }

                    break;
                case "originator" or "author" or "writtenby" or "preparedby" or "policyauthor":
                    form.Originator = value;
                    break;
                case "approvedby" or "approvalbody" or "ratifiedby" or "approvingbody" or "approved" or "ratified" or "agreedby" or "responsiblesubcommittee" or "responsiblecommittee":
                    // "September 2023; Education Board": a row may give the date and the body together.
                    foreach (var part in Parts(value))
                    {
                        if (PolicyDates.Parse(part) is not null)
                        {
                            form.Approved = PolicyDateInput.From(part);
                        }
                        else
                        {
                            form.ApprovalBody = part;
                        }
                    }

                    break;
                case "created" or "datecreated" or "firstissued" or "written":
                    foreach (var part in Parts(value))
                    {
                        if (PolicyDates.Parse(part) is not null)
                        {
                            if (form.Adopted.Text is null)
                            {
                                form.Adopted = PolicyDateInput.From(part);
                            }
                        }
                        else
                        {
                            form.Originator ??= part;
                        }
                    }

                    break;
                case "disseminationvia" or "dissemination" or "disseminatedvia" or "distribution":
                    form.Dissemination = value;
                    break;
                case "dateapproved" or "approvaldate" or "approvedon" or "dateratified" or "dateofapproval" or "dateagreed":
                    form.Approved = PolicyDateInput.From(value);
                    break;
                case "adopted" or "dateadopted" or "issued" or "dateissued" or "dateofissue" or "implementationdate" or "effectivedate" or "datepublished":
                    form.Adopted = PolicyDateInput.From(value);
                    break;
                case "lastreview" or "lastreviewed" or "reviewed" or "datereviewed" or "dateoflastreview":
                    form.LastReview = PolicyDateInput.From(Parts(value).FirstOrDefault(p => PolicyDates.Parse(p) is not null));
                    break;
                case "nextreview" or "nextreviewdate" or "reviewdate" or "dateofnextreview" or "tobereviewed" or "nextreviewdue" or "reviewby":
                    form.NextReview = PolicyDateInput.From(value);
                    break;
                case "reviewcycle" or "reviewfrequency" or "frequency" or "reviewperiod" or "frequencyofreview":
                    form.ReviewCycleMonths = CycleMonths(value)?.ToString(CultureInfo.InvariantCulture) ?? form.ReviewCycleMonths;
                    form.ReviewOnLawChange |= LawChange().IsMatch(value);
                    break;
                case "legislation" or "legalframework" or "statutoryguidance":
                    legislation.Add(value);
                    break;
                case "linkedpolicies" or "relatedpolicies" or "associatedpolicies":
                    links.AddRange(value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
            }
        }

        foreach (var section in doc.AllSections())
        {
            var items = section.Paragraphs.Concat(section.Clauses.SelectMany(c => c.SelfAndDescendants()).Select(c => c.Text)).ToList();
            if (section.Heading is { } h && LinkedHeading().IsMatch(h))
            {
                links.AddRange(items);
            }
            else if (section.Heading is { } l && LegislationHeading().IsMatch(l))
            {
                legislation.AddRange(items);
            }
        }

        if (links.Count > 0)
        {
            form.LinkedPolicies = string.Join('\n', links.Distinct());
        }

        if (legislation.Count > 0)
        {
            form.Legislation = string.Join('\n', legislation.Distinct());
        }

        // A date the form cannot use (PolicyDateInput.From gives an empty one) is left for the person to fill in,
        // with the original kept in the text.
        return form;
    }

    /// <summary>The words staff agree to: the slip's sentences, without its Name/Signed/Date lines.</summary>
    public static string DeclarationOf(PolicyDocument doc)
    {
        var sentences = (doc.Declaration ?? "").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && (l.StartsWith("I ", StringComparison.Ordinal) || l.Contains("tick", StringComparison.OrdinalIgnoreCase)) && !l.Contains("....", StringComparison.Ordinal) && !l.Contains("___", StringComparison.Ordinal))
            .ToList();
        return sentences.Count > 0 ? string.Join(' ', sentences) : PolicyText.DefaultDeclaration;
    }

    public static int? CycleMonths(string text)
    {
        var t = text.ToLowerInvariant();
        var n = Number().Match(t);
        if (n.Success)
        {
            var value = int.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture);
            return t.Contains("month", StringComparison.Ordinal) ? value : t.Contains("year", StringComparison.Ordinal) ? value * 12 : null;
        }

        return t switch
        {
            _ when t.Contains("bienn", StringComparison.Ordinal) || t.Contains("two year", StringComparison.Ordinal) || t.Contains("every other year", StringComparison.Ordinal) => 24,
            _ when t.Contains("trienn", StringComparison.Ordinal) || t.Contains("three year", StringComparison.Ordinal) => 36,
            _ when t.Contains("annual", StringComparison.Ordinal) || t.Contains("year", StringComparison.Ordinal) => 12,
            _ when t.Contains("termly", StringComparison.Ordinal) => 4,
            _ => null,
        };
    }

    public static Role? RoleFrom(string text)
    {
        var t = Key(text);
        return t switch
        {
            _ when t.Contains("executive", StringComparison.Ordinal) || t.Contains("ceo", StringComparison.Ordinal) => Role.ExecutiveLeader,
            _ when t.Contains("safeguarding", StringComparison.Ordinal) || t == "dsl" => Role.Dsl,
            _ when t.Contains("onlinesafety", StringComparison.Ordinal) || t.Contains("digital", StringComparison.Ordinal) || t.Contains("computing", StringComparison.Ordinal) || t.Contains("esafety", StringComparison.Ordinal) => Role.OnlineSafetyLead,
            _ when t.Contains("dataprotection", StringComparison.Ordinal) || t == "dpo" || t.Contains("compliance", StringComparison.Ordinal) => Role.Dpo,
            _ when t.Contains("ict", StringComparison.Ordinal) || t.StartsWith("it", StringComparison.Ordinal) || t.Contains("network", StringComparison.Ordinal) => Role.ItLead,
            _ when t.Contains("head", StringComparison.Ordinal) || t.Contains("principal", StringComparison.Ordinal) => Role.Head,
            _ => null,
        };
    }

    private static string BestTitle(PolicyDocument doc)
    {
        var title = doc.Title ?? "Imported policy";
        // "Hillside Federation" over "Acceptable Use Policy": the policy's name is the line that says what it is.
        if (!PolicyWord().IsMatch(title) && doc.Sections.FirstOrDefault() is { Heading: null, Number: null } opening
            && opening.Paragraphs.FirstOrDefault(p => p.Length <= 120 && PolicyWord().IsMatch(p)) is { } named)
        {
            return named;
        }

        return title;
    }

    private static IEnumerable<string> Parts(string value) => value.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Key(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    [GeneratedRegex(@"(\d+)")]
    private static partial Regex Number();

    [GeneratedRegex(@"law|legislat|statutory|guidance", RegexOptions.IgnoreCase)]
    private static partial Regex LawChange();

    [GeneratedRegex(@"(linked|related|associated|other)\s+(school\s+)?(policies|documents)", RegexOptions.IgnoreCase)]
    private static partial Regex LinkedHeading();

    [GeneratedRegex(@"^(relevant\s+)?(legislation|legal framework)", RegexOptions.IgnoreCase)]
    private static partial Regex LegislationHeading();

    [GeneratedRegex(@"\bpolic(y|ies)\b|\bAUP\b|acceptable use|agreement|\bcode\b|standards", RegexOptions.IgnoreCase)]
    private static partial Regex PolicyWord();
}
