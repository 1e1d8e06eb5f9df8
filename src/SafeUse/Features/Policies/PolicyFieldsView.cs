using SafeUse.Features.Schools;

namespace SafeUse.Features.Policies;

internal sealed record PolicyFieldsView(PolicyForm Form, IReadOnlyList<School> Schools);
