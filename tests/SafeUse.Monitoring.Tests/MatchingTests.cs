using System.Text;
using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

public sealed class MatchingTests : IDisposable
{
    private readonly Fixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Squid(string url, string user = "u1", long bytes = 10, string method = "GET", long time = 1795344185) =>
        $"{time}.000 1 10.0.0.1 TCP_MISS/200 {bytes} {method} {url} {user} HIER_NONE/- -\n";

    private string[] Rules(string url, string method = "GET") =>
        _f.Run(_f.Engine(), Squid(url, method: method)).Hits.Select(h => h.GetProperty("rule").GetString()!).ToArray();

    [Theory]
    [InlineData("http://amex.com/", true)] // equal
    [InlineData("http://www.a.amex.com/x", true)] // subdomain at a dot
    [InlineData("http://aamex.com/", false)] // not a dot boundary
    [InlineData("http://amex.com.evil.net/", false)] // suffix only
    [InlineData("http://AMEX.COM:8080/x", true)] // lower-cased, port removed
    [InlineData("http://amex.com./", true)] // trailing dot removed
    [InlineData("amex.com:443", true)] // CONNECT host:port
    [InlineData("http://user@amex.com/", true)] // userinfo removed
    [InlineData("http://safe.bet365.com/", false)] // except-categories: whitelist
    [InlineData("http://www.bet365.com/", true)]
    public void Domains_match_host_or_dot_suffix(string url, bool hit) =>
        Rules(url, url.StartsWith("http", StringComparison.Ordinal) ? "GET" : "CONNECT").Contains("gambling").ShouldBe(hit);

    [Theory]
    [InlineData("http://foo.com/~badguy", true)] // equal path
    [InlineData("http://www2.foo.com/~badguy/whatever", true)] // www2. removed, continues after '/'
    [InlineData("http://web.foo.com/~badguy/", true)]
    [InlineData("http://ftp12.foo.com/~badguy?x=1", true)] // query removed
    [InlineData("http://foo.com/~badguyX", false)] // continues but not after '/'
    [InlineData("http://bar.foo.com/~badguy", false)] // other host
    [InlineData("http://foo.com/", false)]
    [InlineData("http://bar.org/a/b/c", true)] // entry had www. and a trailing '/'
    [InlineData("http://bar.org/a/bc", false)]
    [InlineData("http://www.bar.org/A/B", true)] // lower-cased
    [InlineData("http://baz.net/games/poker/room", true)] // entry had www3. and a path longer than the prefix
    [InlineData("http://www.baz.net/games/poker", true)]
    [InlineData("http://baz.net/games/pokerface", false)]
    [InlineData("http://qux.org/cards/blackjack/table", true)] // entry had a scheme and a port
    [InlineData("foo.com:443", false)] // no path: URL entries never match
    public void Url_entries_match_host_and_path_prefix(string url, bool hit) =>
        Rules(url, url.StartsWith("http", StringComparison.Ordinal) ? "GET" : "CONNECT").Contains("urls").ShouldBe(hit);

    [Fact]
    public void Url_entries_never_match_dns_lines()
    {
        var (hits, _, _) = _f.Run(_f.Engine(), "Nov 22 10:58:36 dnsmasq[30406]: query[A] foo.com from 127.0.0.1\n");
        hits.ShouldBeEmpty();
    }

    [Fact]
    public void Expressions_are_searched_in_the_lower_cased_url_and_hostile_ones_do_not_hang()
    {
        _f.List("proxy", expressions: "# comment\n(a+)+$\nproxy[0-9]+\\.\n");
        var rules = "rules:\n  - id: p\n    categories: [proxy]\n    who: [any]\n";
        var engine = _f.Engine(rules);
        _f.Run(engine, Squid("http://Proxy12.example.com/")).Hits.Count.ShouldBe(1);
        var hostile = "http://x.example/" + new string('a', 5000) + "!";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _f.Run(engine, Squid(hostile)).Hits.Count.ShouldBe(0);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Hits_list_every_category_of_the_request()
    {
        _f.List("betting", domains: "www.bet365.com\n");
        var hit = _f.Run(_f.Engine(), Squid("http://www.bet365.com/")).Hits.Single();
        hit.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["betting", "gambling"]);
        hit.GetProperty("clause").GetString().ShouldBe("4.2");
        hit.GetProperty("severity").GetString().ShouldBe("high");
        hit.GetProperty("search").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public void Category_aliases_by_symbolic_link_are_followed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_f.Dir, "lists", "betting"), Path.Combine(_f.Dir, "lists", "gambling"));
        var rules = "rules:\n  - id: b\n    categories: [betting]\n    who: [any]\n";
        var hit = _f.Run(_f.Engine(rules), Squid("http://amex.com/")).Hits.Single();
        hit.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["betting", "gambling"]);
    }

    [Theory]
    [InlineData("www.google.com", "/search?q=how+to+self+harm&hl=en", "how to self harm")]
    [InlineData("www.google.co.uk", "/search?hl=en&q=Self%20Harm", "self harm")]
    [InlineData("www.google.com", "/complete/search?q=self+harm", null)]
    [InlineData("www.bing.com", "/search?q=caf%C3%A9++du+monde", "café du monde")]
    [InlineData("duckduckgo.com", "/?q=hello+world", "hello world")]
    [InlineData("html.duckduckgo.com", "/html/?q=x", "x")]
    [InlineData("www.youtube.com", "/results?search_query=Cats+%26+dogs", "cats & dogs")]
    [InlineData("www.youtube.com", "/watch?v=abc", null)]
    [InlineData("search.yahoo.com", "/search?p=yahoo+term", "yahoo term")]
    [InlineData("www.ecosia.org", "/search?q=trees", "trees")]
    [InlineData("yandex.ru", "/search/?text=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "привет")]
    [InlineData("www.example.com", "/search?q=not+an+engine", null)]
    [InlineData("notgoogle.com", "/search?q=x", null)]
    public void Search_text_is_extracted_for_each_engine(string host, string pathAndQuery, string? expected) =>
        SearchText.Extract(Encoding.UTF8.GetBytes(host), Encoding.UTF8.GetBytes(pathAndQuery)).ShouldBe(expected);

    [Theory]
    [InlineData("how to self harm", true)]
    [InlineData("self harm", true)]
    [InlineData("self harm?", true)]
    [InlineData("selfharmony", false)]
    [InlineData("myself harm", false)]
    [InlineData("self harming", false)]
    [InlineData("(self harm)", true)]
    public void Phrases_match_on_word_boundaries(string text, bool expected) =>
        SearchText.ContainsPhrase(text, "self harm").ShouldBe(expected);

    [Fact]
    public void Search_rule_hits_carry_the_decoded_search()
    {
        var hits = _f.Run(_f.Engine(), Squid("http://www.google.com/search?q=How++to+SELF+harm")).Hits;
        var hit = hits.Single();
        hit.GetProperty("rule").GetString().ShouldBe("self-harm");
        hit.GetProperty("search").GetString().ShouldBe("how to self harm");
        _f.Run(_f.Engine(), Squid("http://www.google.com/search?q=selfharmony")).Hits.ShouldBeEmpty();
    }

    [Fact]
    public void People_match_ignoring_case_domain_prefix_and_realm()
    {
        const string rules = "rules:\n  - id: staff\n    categories: [gambling]\n    who: [staff]\n  - id: un\n    categories: [gambling]\n    who: [unattributed]\n";
        var engine = _f.Engine(rules, people: "user,role,name,school\njsmith,staff,J Smith,A\nstu1,pupil,S One,A\n");
        var log = Squid("http://amex.com/", "JSmith") + Squid("http://amex.com/", "SCHOOL\\jsmith") + Squid("http://amex.com/", "jsmith@SCHOOL.LOCAL")
            + Squid("http://amex.com/", "SCHOOL%5cjsmith") + Squid("http://amex.com/", "stu1") + Squid("http://amex.com/", "-");
        var hits = _f.Run(engine, log).Hits;
        hits.Select(h => h.GetProperty("rule").GetString() + "@" + h.GetProperty("source").GetString()![^1])
            .ShouldBe(["staff@1", "staff@2", "staff@3", "staff@4", "un@6"]);
        hits[0].GetProperty("role").GetString().ShouldBe("staff");
        hits[4].GetProperty("user").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public void Ip_map_attributes_lines_without_a_user_within_from_inclusive_to_exclusive()
    {
        const string rules = "rules:\n  - id: any\n    categories: [gambling]\n    who: [any]\n";
        var map = "ip,user,from,to\n10.0.0.1,alice,2026-11-22T10:00:00Z,2026-11-22T11:00:00Z\n10.0.0.1,bob,2026-11-22T11:00:00Z,\n";
        var engine = _f.Engine(rules, people: "user,role,name,school\nalice,staff,A,S\nbob,pupil,B,S\n", ipMap: map);
        var t10 = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var log = Squid("http://amex.com/", "-", time: t10 - 1) + Squid("http://amex.com/", "-", time: t10)
            + Squid("http://amex.com/", "-", time: t10 + 3599) + Squid("http://amex.com/", "-", time: t10 + 3600)
            + Squid("http://amex.com/", "-", time: t10 + 86400 * 400);
        var users = _f.Run(engine, log).Hits.Select(h => h.GetProperty("user").ValueKind == System.Text.Json.JsonValueKind.Null ? "-" : h.GetProperty("user").GetString()).ToArray();
        users.ShouldBe(["-", "alice", "alice", "bob", "bob"]);
    }

    [Fact]
    public void Bytes_over_hits_once_per_person_rule_and_window_on_the_line_that_crosses()
    {
        const string rules = "rules:\n  - id: big\n    bytes-over: 1kB\n    within: 1h\n    who: [any]\n";
        var engine = _f.Engine(rules);
        // 2026-11-23 is GMT, so local hours are UTC hours.
        var t = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var log = Squid("http://a.example/", "u1", 600, time: t) // 600
            + Squid("http://a.example/", "u2", 600, time: t + 1) // another person
            + Squid("http://a.example/", "u1", 400, time: t + 2) // 1000: not over
            + Squid("http://a.example/", "u1", 1, time: t + 3) // 1001: crosses -> hit (line 4)
            + Squid("http://a.example/", "u1", 5000, time: t + 4) // already hit in this window
            + Squid("http://a.example/", "u1", 1001, time: t + 3600) // next window, crosses at once (line 6)
            + Squid("http://a.example/", "U1", 999, time: t + 3601); // same person, already hit
        var hits = _f.Run(engine, log).Hits;
        hits.Select(h => h.GetProperty("source").GetString()![^1]).ShouldBe(['4', '6']);
    }
}
