using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

/// <summary>The sample set-up in samples/monitoring (README's first monitoring example) flags what its comments say it does.</summary>
public sealed class SampleSetupTests
{
    private static string SampleDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SafeUse.slnx"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("SafeUse.slnx not found above the test folder"), "samples", "monitoring");
    }

    [Fact]
    public void The_sample_log_raises_one_alert_per_rule_on_the_lines_its_rules_describe()
    {
        var s = SampleDir();
        var engine = MonitoringEngine.Load(Path.Combine(s, "rules.yaml"), Path.Combine(s, "lists"), Path.Combine(s, "people.csv"), Path.Combine(s, "ip-map.csv"), 2026);
        var (hits, summary, _) = Fixture.RunFiles(engine, [Path.Combine(s, "access.log")]);

        hits.Select(h => (Line: h.GetProperty("source").GetString()!.Split(':')[^1], Rule: h.GetProperty("rule").GetString(), User: h.GetProperty("user").GetString()))
            .ShouldBe([
                ("2", "social-media-in-lessons", "rpatel"), // a teacher on social media in lesson time (not at lunch, line 5, nor after school, line 13)
                ("3", "self-harm-search", "jdoyle"),
                ("7", "unsuitable-material", "jdoyle"),      // gambling; line 8 is in the 'allowed' list too, so no alert
                ("9", "filter-bypass", "mlee"),              // no user in the log: named from the IP map
                ("10", "filter-bypass", null),               // nobody can be named: unattributed, not guessed
                ("12", "large-downloads", "kokafor"),        // the second 300 MB download within the hour crosses 500 MB
            ]);
        hits.Single(h => h.GetProperty("rule").GetString() == "self-harm-search").GetProperty("search").GetString().ShouldBe("self harm support for adults");
        summary.LinesSkipped.ShouldBe(1); // the line cut off by a rotation is counted, never fatal
    }
}
