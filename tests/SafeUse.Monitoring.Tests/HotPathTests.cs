using System.Text;
using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

/// <summary>The hot path's building blocks against plain reference versions, and bytes-over across chunk boundaries.</summary>
public sealed class HotPathTests : IDisposable
{
    private readonly Fixture _f = new();

    public void Dispose() => _f.Dispose();

    private static List<(int Start, int End)> ReferenceTokens(byte[] s, int max)
    {
        var tokens = new List<(int, int)>();
        var i = 0;
        while (tokens.Count < max)
        {
            while (i < s.Length && s[i] == ' ') i++;
            if (i == s.Length) break;
            var start = i;
            while (i < s.Length && s[i] != ' ') i++;
            tokens.Add((start, i));
        }
        return tokens;
    }

    [Fact]
    public void Space_tokens_match_a_byte_by_byte_split_on_any_line()
    {
        var rng = new Random(20261125);
        var alphabet = "ab \t/:.-"u8.ToArray(); // spaces often, and tabs, which are not separators
        var bounds = new int[32];
        for (var n = 0; n < 20_000; n++)
        {
            var line = new byte[rng.Next(0, 140)]; // across 0, 1, 4 and more 32-byte blocks
            for (var i = 0; i < line.Length; i++) line[i] = alphabet[rng.Next(alphabet.Length)];
            if (n % 3 == 0) for (var i = 0; i < line.Length; i++) if (rng.Next(4) == 0) line[i] = (byte)' '; // long runs
            var max = 1 + n % 12;
            var expected = ReferenceTokens(line, max);
            var count = LogParsers.SpaceTokens(line, bounds, max);
            var actual = Enumerable.Range(0, count).Select(k => (bounds[2 * k], bounds[2 * k + 1])).ToList();
            actual.ShouldBe(expected, $"line '{Encoding.ASCII.GetString(line)}' max {max}");
        }
    }

    [Fact]
    public void Every_suffix_hash_equals_the_hash_of_that_suffix_on_its_own()
    {
        // The suffix hashes of a request's host are computed in one pass; list entries are hashed alone. Labels of
        // every length around the 8-byte steps, in hosts shorter and longer than 8 bytes, must agree.
        var rng = new Random(8);
        var hashes = new ulong[64];
        var starts = new int[64];
        for (var n = 0; n < 20_000; n++)
        {
            var labels = Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => new string(Enumerable.Range(0, rng.Next(0, 20)).Select(_ => (char)('a' + rng.Next(26))).ToArray()));
            var name = Encoding.ASCII.GetBytes(string.Join('.', labels));
            var count = Hashing.Suffixes(name, hashes, starts, singleLabel: true);
            count.ShouldBe(name.Count((byte)'.') + 1);
            for (var k = 0; k < count; k++) hashes[k].ShouldBe(Hashing.Name(name.AsSpan(starts[k])), Encoding.ASCII.GetString(name));
            starts[count - 1].ShouldBe(0);
            hashes[count - 1].ShouldBe(Hashing.Name(name));
        }
        Hashing.Name("ab.cd"u8).ShouldNotBe(Hashing.Name("abc.d"u8)); // labels never run together
        Hashing.Suffixes("www.example.com"u8, hashes, starts, singleLabel: false).ShouldBe(2); // "com" alone is left out
    }

    [Theory]
    [InlineData("http://Example.COM/a/b?q=1", "example.com", "/a/b?q=1")]
    [InlineData("HTTPS://example.com", "example.com", "/")]
    [InlineData("svn+ssh://host.example:22/repo", "host.example", "/repo")]
    [InlineData("example.com:443", "example.com", null)]
    [InlineData("example.com/redirect?to=http://evil.example/", "example.com/redirect?to=http", null)] // no leading scheme: the whole token up to the port is the host
    [InlineData("http://user:pw@host.example:8080/x", "host.example", "/x")]
    [InlineData("http://[2001:db8::1]:8080/x", "2001:db8::1", "/x")]
    public void Urls_split_into_host_and_path(string url, string host, string? path)
    {
        var buffer = new byte[1024];
        LogParsers.SplitUrl(Encoding.ASCII.GetBytes(url), buffer, out var length, out var pathAndQuery, out var hasPath).ShouldBeTrue();
        Encoding.ASCII.GetString(buffer, 0, length).ShouldBe(host);
        hasPath.ShouldBe(path is not null);
        if (path is not null) Encoding.ASCII.GetString(pathAndQuery).ShouldBe(path);
    }

    private static string Squid(long time, string user, long bytes) =>
        $"{time}.000 1 10.0.0.1 TCP_MISS/200 {bytes} GET http://a.example/ {user} HIER_NONE/- -\n";

    [Theory]
    [InlineData(1, 40)] // every line its own chunk
    [InlineData(2, 40)]
    [InlineData(1, 1 << 20)]
    [InlineData(2, 150)]
    [InlineData(4, 40)] // more threads than cores: helpers and the reading thread all take chunks
    public void Bytes_over_totals_carry_across_chunks_and_threads(int threads, int chunkBytes)
    {
        var engine = _f.Engine("rules:\n  - id: big\n    bytes-over: 1kB\n    within: 1h\n    who: [any]\n");
        engine.ChunkBytes = chunkBytes;
        var t = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var log = Squid(t, "u1", 300) + Squid(t + 1, "u2", 900) + Squid(t + 2, "u1", 300) + Squid(t + 3, "u1", 300)
            + Squid(t + 4, "u2", 50) // u2 at 950
            + Squid(t + 5, "u1", 101) // u1 at 1001: crosses (line 6)
            + Squid(t + 6, "u2", 51) // u2 at 1001: crosses (line 7)
            + Squid(t + 7, "u1", 900); // already hit
        var hits = _f.Run(engine, log, threads: threads).Hits;
        hits.Select(h => h.GetProperty("source").GetString()!.Split(':')[^1]).ShouldBe(["6", "7"]);
        hits.Select(h => h.GetProperty("user").GetString()).ShouldBe(["u1", "u2"]);
    }

    [Fact]
    public void A_late_line_counts_towards_its_own_window()
    {
        var engine = _f.Engine("rules:\n  - id: big\n    bytes-over: 1kB\n    within: 1h\n    who: [any]\n");
        var t = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var log = Squid(t, "u1", 600) // 10:00 window: 600
            + Squid(t + 3600, "u1", 600) // 11:00 window: 600
            + Squid(t + 10, "u1", 500); // logged late, 10:00 window: 1100 -> hit on line 3
        var hits = _f.Run(engine, log).Hits;
        hits.Select(h => h.GetProperty("source").GetString()!.Split(':')[^1]).ShouldBe(["3"]);
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bytes_over_with_thousands_of_people_in_one_chunk_matches_a_plain_count(int threads)
    {
        // 3,000 people in one 1 MB chunk: more groups than the chunk's group index starts with, so it must grow; and
        // hundreds of crossings with no other hit between them, which must still come out in line order.
        var engine = _f.Engine("rules:\n  - id: big\n    bytes-over: 1kB\n    within: 1h\n    who: [any]\n");
        var t = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var random = new Random(7);
        var log = new StringBuilder();
        var totals = new Dictionary<string, long>();
        var expected = new List<int>();
        for (var line = 1; line <= 12_000; line++)
        {
            var user = $"p{random.Next(3000):D4}";
            var bytes = random.Next(1, 400);
            log.Append(Squid(t + line % 3000, user, bytes));
            var before = totals.GetValueOrDefault(user);
            totals[user] = before + bytes;
            if (before <= 1000 && before + bytes > 1000) expected.Add(line);
        }
        var hits = _f.Run(engine, log.ToString(), threads: threads).Hits;
        expected.Count.ShouldBeGreaterThan(500);
        hits.Select(h => int.Parse(h.GetProperty("source").GetString()!.Split(':')[^1])).ShouldBe(expected);
    }
    [Fact]
    public void Json_strings_round_trip_whatever_bytes_they_hold_and_wherever_the_escapes_fall()
    {
        var random = new Random(11);
        var alphabet = "ab/?=&%\"\\\n\t\u0001\u001fé€😀 ".ToCharArray();
        for (var n = 0; n < 2000; n++)
        {
            var length = random.Next(0, 140); // across the 32-byte blocks and the tail
            var text = new string(Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? alphabet[random.Next(alphabet.Length)] : (char)('a' + random.Next(26))).ToArray());
            text = text.Replace("\ud83d", "").Replace("\ude00", ""); // keep the string valid UTF-16 when a surrogate pair was split
            var sink = new JsonSink(16);
            sink.String(Encoding.UTF8.GetBytes(text));
            using var json = System.Text.Json.JsonDocument.Parse(sink.Written.ToArray());
            json.RootElement.GetString().ShouldBe(text);
        }
    }
}
