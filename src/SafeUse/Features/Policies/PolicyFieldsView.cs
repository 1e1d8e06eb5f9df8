using SafeUse.Features.Schools;

namespace SafeUse.Features.Policies;

internal sealed record PolicyFieldsView(PolicyForm Form, IReadOnlyList<School> Schools);

/// <summary>One policy date's fields: a date (day, month, year) or a school term (term, year).</summary>
internal sealed record PolicyDateView(string Name, string Legend, PolicyDateInput Input, string? Hint = null);
