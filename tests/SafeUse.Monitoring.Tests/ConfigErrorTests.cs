using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class ConfigErrorTests : IDisposable
{
    private readonly Fixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData("rules:\n  - id: a\n    categories: [nope]\n    who: [any]\n", 3, "categories")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n    severity: huge\n", 4, "severity")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n    when: lunch\n", 4, "when")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n    bytes-over: lots\n", 4, "bytes-over")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n    colour: red\n", 4, "colour")]
    [InlineData("timezone: Mars/Olympus\nrules: []\n", 1, "timezone")]
    [InlineData("periods:\n  p: { days: [funday] }\nrules: []\n", 2, "periods.p.days")]
    [InlineData("periods:\n  p: { from: \"25:00\", to: \"26:00\" }\nrules: []\n", 2, "periods.p.from")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n  - id: a\n    who: [any]\n", 4, "id")]
    [InlineData("rules:\n  - id: a\n    who: [any]\n    search-terms: missing.txt\n", 4, "search-terms")]
    [InlineData("rules:\n  - id: a\n    categories: [gambling\n", 4, "yaml")] // the line where the YAML parser noticed
    public void Bad_rules_are_rejected_with_file_line_and_field(string yaml, int line, string field)
    {
        var e = Should.Throw<MonitoringConfigException>(() => _f.Engine(yaml));
        e.File.ShouldEndWith("rules.yaml");
        e.Line.ShouldBe(line);
        e.Field.ShouldBe(field);
        e.Message.ShouldStartWith(e.File + ":" + line + ": " + field);
    }

    [Theory]
    [InlineData("domains", "ok.com\nbad domain.com\n", 2)]
    [InlineData("urls", "ok.com/x\n/no-host\n", 2)]
    [InlineData("expressions", "fine\n(unclosed\n", 2)]
    [InlineData("expressions", "ok\n(?<=x)y\n", 2)] // lookbehind: not supported by NonBacktracking
    public void Bad_list_files_are_rejected_with_file_line_and_field(string kind, string text, int line)
    {
        _f.Write($"lists/broken/{kind}", text);
        var e = Should.Throw<MonitoringConfigException>(() => _f.Engine());
        e.File.ShouldEndWith(Path.Combine("broken", kind));
        e.Line.ShouldBe(line);
        e.Field.ShouldBe(kind);
    }

    [Theory]
    [InlineData("name,role\nx,staff\n", 1, "header")]
    [InlineData("user,role,name,school\nx,staff,X\n", 2, "columns")]
    [InlineData("user,role,name,school\nx,staff,X,S\n,staff,Y,S\n", 3, "user")]
    public void Bad_people_files_are_rejected_with_file_line_and_field(string csv, int line, string field)
    {
        var e = Should.Throw<MonitoringConfigException>(() => _f.Engine(people: csv));
        e.File.ShouldEndWith("people.csv");
        e.Line.ShouldBe(line);
        e.Field.ShouldBe(field);
    }

    [Theory]
    [InlineData("ip,user,from,to\n10.0.0.x,a,2026-01-01T00:00:00Z,\n", 2, "ip")]
    [InlineData("ip,user,from,to\n10.0.0.1,a,yesterday,\n", 2, "from")]
    [InlineData("ip,user,from,to\n10.0.0.1,a,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z\n", 2, "to")]
    public void Bad_ip_maps_are_rejected_with_file_line_and_field(string csv, int line, string field)
    {
        var e = Should.Throw<MonitoringConfigException>(() => _f.Engine(ipMap: csv));
        e.Line.ShouldBe(line);
        e.Field.ShouldBe(field);
    }

    [Fact]
    public void Unrecognised_log_format_is_a_config_error()
    {
        var engine = _f.Engine();
        var path = _f.Write("weird.log", "hello world\n");
        Should.Throw<MonitoringConfigException>(() => engine.Run([path], Stream.Null)).Field.ShouldBe("--format");
    }
}
