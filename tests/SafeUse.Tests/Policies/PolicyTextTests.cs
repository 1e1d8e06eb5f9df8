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

    [Fact]
    public void A_policy_s_table_scrolls_in_its_own_labelled_box_a_keyboard_can_reach()
    {
        var html = PolicyText.Render("## Devices\n\n| Device | Who |\n| --- | --- |\n| Laptop | Staff |\n\nText.\n\n| A | B |\n| - | - |\n| 1 | 2 |\n").ToString()!;
        html.ShouldMatch("""(?s)<div class="safeuse-wide" tabindex="0" role="region" aria-label="Table 1 of the policy">\s*<table>.*Laptop.*</table>\s*</div>.*Text\..*aria-label="Table 2 of the policy">\s*<table>.*</table>\s*</div>\s*$""");
    }
}
