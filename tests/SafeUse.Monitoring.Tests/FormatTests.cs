using System.IO.Compression;
using System.Text;
using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class FormatTests : IDisposable
{
    private readonly Fixture _f = new();

    public void Dispose() => _f.Dispose();

    // Real sample lines from shared/reference/log-formats.md, with the host changed to a listed one where needed.
    public static TheoryData<string, string, string, string?, string, string> Samples => new()
    {
        { "squid", "1795344185.795      1 127.0.0.1 NONE_NONE/500 0 CONNECT www.bet365.com:443 stu00042 HIER_NONE/- -", "www.bet365.com", "stu00042", "127.0.0.1", "2026-11-22T10:43:05.795Z" },
        { "squid-common", "127.0.0.1 - stu00042 [22/Nov/2026:10:43:05 +0000] \"CONNECT www.bet365.com:443 HTTP/1.1\" 500 0 NONE_NONE:HIER_NONE", "www.bet365.com", "stu00042", "127.0.0.1", "2026-11-22T10:43:05.000Z" },
        { "squid-combined", "127.0.0.1 - stu00042 [22/Nov/2026:10:43:05 +0100] \"GET http://bet365.com:8000/search?q=x HTTP/1.1\" 404 603 \"-\" \"curl/7.88.1\" TCP_MISS:HIER_DIRECT", "bet365.com", "stu00042", "127.0.0.1", "2026-11-22T09:43:05.000Z" },
        { "e2g2", "\"2026.11.22 10:55:54\",\"stu00042\",\"127.0.0.1\",\"http://www.casino-test.example/index.html?q=self+harm\",\"-\",\"GET\",\"6\",\"0\",\"-\",\"1\",\"200\",\"-\",\"127.0.0.1\",\"no_name_group\",\"-\",\"-\",\"-\",\"-\",\"-\"", "www.casino-test.example", "stu00042", "127.0.0.1", "2026-11-22T10:55:54.000Z" },
        { "e2g4", "2026.11.22 10:56:06\tstu00042\t127.0.0.1\thttp://www.casino-test.example/index.html?q=self+harm\t-\tGET\t6\t0\t-\t1\t200\t-\t127.0.0.1\tno_name_group\t-\t-\t-\t-\t-", "www.casino-test.example", "stu00042", "127.0.0.1", "2026-11-22T10:56:06.000Z" },
        { "e2g6", "1795344996.346\t\tstu00042\t127.0.0.1\t127.0.0.1\thttp://www.casino-test.example/poker?q=x\tGET\t403\t0\t-\t-\t-\t1\t-\t500\t*DENIED* Blocked site: casino-test.example\t0\tGambling\tno_name_group\t1", "www.casino-test.example", "stu00042", "127.0.0.1", "2026-11-22T10:56:36.346Z" },
        { "bind", "22-Nov-2026 10:54:59.559 client @0x7fa1b9f59098 127.0.0.1#59238 (www.bet365.com): query: www.bet365.com IN A +E(0)K (127.0.0.1)", "www.bet365.com", null, "127.0.0.1", "2026-11-22T10:54:59.559Z" },
        { "bind-prefixed", "22-Nov-2026 10:54:59.559 queries: info: client @0x7fa1b9f59098 10.0.0.9#59238 (www.bet365.com): view internal: query: www.bet365.com IN A +E(0)K (127.0.0.1)", "www.bet365.com", null, "10.0.0.9", "2026-11-22T10:54:59.559Z" },
        { "unbound", "Nov 22 10:54:50 unbound[28909:0] info: 127.0.0.1 www.bet365.com. A IN", "www.bet365.com", null, "127.0.0.1", "2026-11-22T10:54:50.000Z" },
        { "dnsmasq", "Nov 22 10:58:36 dnsmasq[30406]: query[A] www.bet365.com from 127.0.0.1", "www.bet365.com", null, "127.0.0.1", "2026-11-22T10:58:36.000Z" },
        { "dnsmasq-extra", "Nov 22 10:54:42 dnsmasq[28880]: 2 127.0.0.1/57800 query[A] bet365.com from 127.0.0.1", "bet365.com", null, "127.0.0.1", "2026-11-22T10:54:42.000Z" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_format_is_recognised_and_parsed(string name, string line, string host, string? user, string ip, string time)
    {
        var (hits, summary, _) = _f.Run(_f.Engine(), line + "\n", name: name + ".log");
        summary.LinesSkipped.ShouldBe(0, name);
        var hit = hits.Single(h => h.GetProperty("rule").GetString() == "gambling");
        hit.GetProperty("host").GetString().ShouldBe(host);
        hit.GetProperty("ip").GetString().ShouldBe(ip);
        hit.GetProperty("time").GetString().ShouldBe(time);
        hit.GetProperty("source").GetString().ShouldBe($"{Path.Combine(_f.Dir, name + ".log")}:1");
        if (user is null) hit.GetProperty("user").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        else hit.GetProperty("user").GetString().ShouldBe(user);
    }

    [Fact]
    public void Squid_407_challenges_and_dns_replies_are_skipped_not_hits()
    {
        var log = """
            1795344185.778      1 127.0.0.1 TCP_DENIED/407 3487 GET http://bet365.com/x - HIER_NONE/- text/html
            1795344185.795      1 127.0.0.1 NONE_NONE/500 0 CONNECT www.bet365.com:443 stu00042 HIER_NONE/- -
            """;
        var (hits, summary, _) = _f.Run(_f.Engine(), log);
        hits.Count.ShouldBe(1);
        summary.LinesSkipped.ShouldBe(1);
        summary.SkippedExamples[0].Reason.ShouldContain("407");

        var unbound = """
            Nov 22 10:54:50 unbound[28909:0] info: 127.0.0.1 www.bet365.com. A IN
            Nov 22 10:54:50 unbound[28909:0] info: bet365.com. always_nxdomain 127.0.0.1@52158 www.bet365.com. A IN
            Nov 22 10:54:50 unbound[28909:0] info: 127.0.0.1 www.bet365.com. A IN NXDOMAIN 0.000000 1 43
            """;
        var (uhits, usummary, _) = _f.Run(_f.Engine(), unbound, name: "u.log");
        uhits.Count.ShouldBe(1);
        usummary.LinesParsed.ShouldBe(1);
        usummary.LinesSkipped.ShouldBe(2);
    }

    [Fact]
    public void The_summary_is_json_with_counts_examples_and_hits_per_rule()
    {
        var log = """
            1795344185.778      1 127.0.0.1 TCP_DENIED/407 3487 GET http://bet365.com/x - HIER_NONE/- text/html
            1795344185.795      1 127.0.0.1 NONE_NONE/500 0 CONNECT www.bet365.com:443 stu00042 HIER_NONE/- -
            not a "log" line
            """;
        var (_, summary, _) = _f.Run(_f.Engine(), log, name: "odd \"name\".log");
        using var stream = new MemoryStream();
        summary.WriteJson(stream, TimeSpan.FromMilliseconds(1234.5678), ListCacheState.Read);
        using var json = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        root.GetProperty("linesRead").GetInt64().ShouldBe(3);
        root.GetProperty("linesParsed").GetInt64().ShouldBe(1);
        root.GetProperty("linesSkipped").GetInt64().ShouldBe(2);
        var examples = root.GetProperty("skippedExamples").EnumerateArray().ToList();
        examples.Count.ShouldBe(2);
        examples[0].GetProperty("source").GetString().ShouldBe($"{Path.Combine(_f.Dir, "odd \"name\".log")}:1");
        examples[0].GetProperty("reason").GetString()!.ShouldContain("407");
        examples[1].GetProperty("source").GetString()!.ShouldEndWith(".log:3");
        root.GetProperty("hits").GetInt64().ShouldBe(summary.Hits);
        root.GetProperty("hitsPerRule").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())).ShouldBe(summary.HitsPerRule);
        root.GetProperty("listLoadSeconds").GetDouble().ShouldBe(1.235);
        root.GetProperty("listCache").GetString().ShouldBe("read");
        root.GetProperty("seconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        root.GetProperty("linesPerSecond").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
    }

    private const string Three = """
        1795344185.795      1 10.0.0.1 NONE_NONE/500 0 CONNECT www.bet365.com:443 u1 HIER_NONE/- -
        1795344186.795      1 10.0.0.2 TCP_MISS/200 10 GET http://example.org/ u2 HIER_NONE/- -
        1795344187.795      1 10.0.0.3 TCP_MISS/200 10 GET http://amex.com/x u3 HIER_NONE/- -
        """;

    [Fact]
    public void A_line_split_across_read_buffers_is_read_whole()
    {
        var engine = _f.Engine();
        var (expected, _, raw) = _f.Run(engine, Three + "\n");
        expected.Count.ShouldBe(2);
        engine.ChunkBytes = 7; // smaller than any line: every line spans several reads
        var (hits, summary, raw2) = _f.Run(engine, Three + "\n");
        raw2.ShouldBe(raw);
        summary.LinesRead.ShouldBe(3);
    }

    [Fact]
    public void No_final_newline_and_crlf_are_handled()
    {
        var (hits, summary, _) = _f.Run(_f.Engine(), Three.Replace("\n", "\r\n", StringComparison.Ordinal));
        summary.LinesRead.ShouldBe(3);
        summary.LinesSkipped.ShouldBe(0);
        hits.Count.ShouldBe(2);
        hits[1].GetProperty("source").GetString()!.ShouldEndWith(":3");
        hits[1].GetProperty("url").GetString().ShouldBe("http://amex.com/x");
    }

    [Fact]
    public void Invalid_utf8_still_gives_valid_json()
    {
        var line = Encoding.UTF8.GetBytes("1795344185.795 1 10.0.0.1 TCP_MISS/200 0 GET http://bet365.com/\xff\xfe x HIER_NONE/- -\n".Replace("\xff\xfe", "@@", StringComparison.Ordinal));
        var at = Array.IndexOf(line, (byte)'@');
        line[at] = 0xFF;
        line[at + 1] = 0xC3;
        var (hits, _, _) = _f.RunBytes(_f.Engine(), line);
        hits.Single().GetProperty("url").GetString()!.ShouldContain("\uFFFD");
    }

    [Fact]
    public void Truncated_and_garbage_lines_are_counted_as_skipped()
    {
        var log = Three + "\n1795344185.795 1 10.0.0.1\nthis is not a log line\nx1795344185.795 1 10.0.0.1 TCP_MISS/200 zz GET http://a/ u - -\n\n";
        var (hits, summary, _) = _f.Run(_f.Engine(), log, LogFormat.Squid);
        hits.Count.ShouldBe(2);
        summary.LinesRead.ShouldBe(7);
        summary.LinesParsed.ShouldBe(3);
        summary.LinesSkipped.ShouldBe(4);
        summary.SkippedExamples.Select(e => e.Source).ShouldContain(s => s.EndsWith(":4", StringComparison.Ordinal));
    }

    [Fact]
    public void Gzip_files_are_read()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(Three));
        var (hits, summary, _) = _f.RunBytes(_f.Engine(), ms.ToArray(), name: "access.log.gz");
        summary.LinesRead.ShouldBe(3);
        hits.Count.ShouldBe(2);
    }

    [Fact]
    public void Standard_input_is_read()
    {
        var engine = _f.Engine();
        var output = new MemoryStream();
        var summary = engine.Run(["-"], output, LogFormat.Auto, 1, new MemoryStream(Encoding.UTF8.GetBytes(Three)));
        summary.Hits.ShouldBe(2);
        Encoding.UTF8.GetString(output.ToArray()).ShouldContain("\"source\":\"-:1\"");
    }

    [Fact]
    public void Files_are_written_in_order_given_then_line_then_rule()
    {
        var engine = _f.Engine();
        var a = _f.Write("a.log", Three);
        var b = _f.Write("b.log", "1795344185.795 1 10.0.0.1 TCP_MISS/200 0 GET http://www.google.com/search?q=bet365+self+harm u1 HIER_NONE/- -\n");
        var (hits, _, _) = Fixture.RunFiles(engine, [b, a]);
        hits.Select(h => h.GetProperty("source").GetString()![(_f.Dir.Length + 1)..] + " " + h.GetProperty("rule").GetString())
            .ShouldBe(["b.log:1 self-harm", "a.log:1 gambling", "a.log:3 gambling"]);
    }

    [Fact]
    public void Identical_output_with_one_and_two_threads()
    {
        var rules = Fixture.DefaultRules + """

              - id: big
                bytes-over: 1kB
                within: 1h
                who: [any]
            """;
        var engine = _f.Engine(rules);
        engine.ChunkBytes = 300; // many chunks, so two threads really interleave
        var sb = new StringBuilder();
        var hosts = new[] { "www.bet365.com", "example.org", "foo.com/~badguy/x", "www.google.com/search?q=self+harm", "amex.com" };
        for (var i = 0; i < 3000; i++)
            sb.Append(1795344185 + i).Append(".000 1 10.0.0.").Append(i % 7).Append(" TCP_MISS/200 ").Append(i % 13 * 37)
              .Append(" GET http://").Append(hosts[i % hosts.Length]).Append(" u").Append(i % 5).Append(" HIER_NONE/- -\n");
        var (_, s1, raw1) = _f.Run(engine, sb.ToString(), threads: 1);
        var (_, s2, raw2) = _f.Run(engine, sb.ToString(), threads: 2);
        raw2.ShouldBe(raw1);
        s1.Hits.ShouldBe(s2.Hits);
        s1.HitsPerRule.Single(r => r.Rule == "big").Hits.ShouldBeGreaterThan(0);
    }
}
