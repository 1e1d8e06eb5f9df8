using SafeUse.Features.Policies;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Policies;

public sealed class PolicyTextTests
{
    [Fact]
    public void A_policy_s_headings_sit_below_the_page_s_own_h1_so_a_page_has_one()
    {
        var html = PolicyText.Render("# Staff AUP\n\n## 1 Purpose\n\nText.\n\n###### Deepest\n").ToString()!;
        html.ShouldNotContain("<h1");
        html.ShouldContain("<h2>Staff AUP</h2>");
        html.ShouldContain("<h3>1 Purpose</h3>");
        html.ShouldContain("<h6>Deepest</h6>");
    }
}
