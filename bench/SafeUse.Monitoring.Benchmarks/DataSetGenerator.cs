using System.Text;

namespace SafeUse.Monitoring.Benchmarks;

/// <summary>
/// Writes the benchmark data set from a fixed seed: 1,000,000 listed domains and 20,000 URL entries in 8 categories
/// (squidGuard format), 2,000,000 squid native lines, the same requests in squidGuard's redirector input format,
/// people, rules and a squidGuard configuration.
/// </summary>
public static class DataSetGenerator
{
    private const int Seed = 20261125; // fixed: the same data set on every run
    private const int Categories = 8;
    private const int Domains = 1_000_000;
    private const int Urls = 20_000;
    private const int Lines = 2_000_000;
    private const int Users = 2_000;
    private static readonly string[] Tlds = ["com", "net", "org", "co.uk", "info", "io", "de", "fr"];
    private static readonly string[] CategoryNames = ["adult", "gambling", "games", "social", "vpn", "redirector", "malware", "shopping"];

    public static void Generate(string dir)
    {
        var rng = new Random(Seed);
        Directory.CreateDirectory(dir);
        var listDir = Path.Combine(dir, "lists");
        var domains = new string[Domains];
        var urlEntries = new string[Urls];
        for (var c = 0; c < Categories; c++)
        {
            var cdir = Path.Combine(listDir, CategoryNames[c]);
            Directory.CreateDirectory(cdir);
            using (var w = Writer(Path.Combine(cdir, "domains")))
            {
                for (var i = c; i < Domains; i += Categories)
                {
                    domains[i] = Name(rng) + "." + Tlds[rng.Next(Tlds.Length)];
                    w.Write(domains[i]);
                    w.Write('\n');
                }
            }
            // A quarter of the URL entries are written with "www." in front, as real lists have some. SafeUse removes
            // such a prefix from entries as from requests; squidGuard 1.6 removes it from requests only (its urllist
            // format is entries without it: an entry www.foo.com/bar matches neither foo.com/bar nor www3.foo.com/bar
            // there), so its equivalent configuration reads the same entries without the prefix, from sg-urls/.
            // (No draw from rng: the requests stay the same.)
            Directory.CreateDirectory(Path.Combine(dir, "sg-urls"));
            using (var w = Writer(Path.Combine(cdir, "urls")))
            using (var sgw = Writer(Path.Combine(dir, "sg-urls", CategoryNames[c])))
            {
                for (var i = c; i < Urls; i += Categories)
                {
                    urlEntries[i] = "u" + Name(rng) + ".example." + Tlds[rng.Next(Tlds.Length)] + "/" + Name(rng) + (rng.Next(2) == 0 ? "/" + Name(rng) : "");
                    if (i / Categories % 4 == 0) w.Write("www.");
                    w.Write(urlEntries[i]);
                    w.Write('\n');
                    sgw.Write(urlEntries[i]);
                    sgw.Write('\n');
                }
            }
        }

        var users = Enumerable.Range(0, Users).Select(i => i % 4 == 0 ? $"staff{i:D5}" : $"stu{i:D5}").ToArray();
        using (var w = Writer(Path.Combine(dir, "people.csv")))
        {
            w.Write("user,role,name,school\n");
            foreach (var u in users) w.Write($"{u},{(u.StartsWith("staff", StringComparison.Ordinal) ? "staff" : "pupil")},{u},Bench School\n");
        }
        File.WriteAllText(Path.Combine(dir, "self-harm.txt"), "self harm\nsuicide\nhow to kill myself\n");
        File.WriteAllText(Path.Combine(dir, "rules.yaml"), """
            timezone: Europe/London
            periods:
              lunch:      { days: [mon, tue, wed, thu, fri], from: "12:30", to: "13:15" }
              core-hours: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "16:15", except: [lunch] }
            rules:
              - id: listed
                clause: "4.2"
                categories: [adult, gambling, games, social, vpn, redirector, malware, shopping]
                who: [any]
                severity: high
              - id: staff-social-core-hours
                categories: [social, games]
                who: [staff]
                when: core-hours
                severity: low
              - id: self-harm-searches
                search-terms: self-harm.txt
                who: [any]
                severity: critical
              - id: big-downloads
                bytes-over: 500MB
                within: 1h
                who: [staff]
                severity: low
            """);
        using (var w = Writer(Path.Combine(dir, "squidGuard.conf")))
        {
            w.Write($"dbhome {Path.GetFullPath(listDir)}\nlogdir {Path.GetFullPath(Path.Combine(dir, "sglog"))}\n\n");
            var sgUrls = Path.GetFullPath(Path.Combine(dir, "sg-urls"));
            foreach (var c in CategoryNames) w.Write($"dest {c} {{\n  domainlist {c}/domains\n  urllist {sgUrls}/{c}\n}}\n\n");
            w.Write("acl {\n  default {\n    pass " + string.Join(' ', CategoryNames.Select(c => "!" + c)) + " all\n    redirect http://blocked.invalid/\n  }\n}\n");
        }
        Directory.CreateDirectory(Path.Combine(dir, "sglog"));

        // Requests: 10% a listed domain (bare or under a subdomain), 3% a URL entry (with www2. and deeper paths),
        // 1% a near miss (listed name with a letter in front), 1% a search, the rest unlisted hosts.
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        using var log = Writer(Path.Combine(dir, "access.log"));
        using var sg = Writer(Path.Combine(dir, "squidguard-input.txt"));
        var sb = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            var t = start + i * 15L; // 15 ms apart: 2M lines cover about 8 hours
            var ip = $"10.{rng.Next(4)}.{rng.Next(256)}.{rng.Next(1, 255)}";
            var user = rng.Next(10) == 0 ? "-" : users[rng.Next(Users)];
            var bytes = rng.Next(100) == 0 ? rng.Next(1, 200_000_000) : rng.Next(200, 60_000);
            var kind = rng.Next(100);
            string url, method;
            var https = rng.Next(2) == 0;
            string host, path;
            if (kind < 10)
            {
                var d = domains[rng.Next(Domains)];
                host = rng.Next(2) == 0 ? d : "www." + d;
                path = "/" + Name(rng);
            }
            else if (kind < 13)
            {
                var e = urlEntries[rng.Next(Urls)];
                var slash = e.IndexOf('/', StringComparison.Ordinal);
                host = (rng.Next(2) == 0 ? "www2." : "") + e[..slash];
                path = e[slash..] + (rng.Next(2) == 0 ? "/" + Name(rng) + ".html" : "");
                https = false; // URL entries can only match a line with a path
            }
            else if (kind < 14)
            {
                host = "x" + domains[rng.Next(Domains)];
                path = "/";
            }
            else if (kind < 15)
            {
                host = "www.google.co.uk";
                path = "/search?q=" + (rng.Next(20) == 0 ? "how+to+self+harm" : Name(rng) + "+" + Name(rng)) + "&hl=en";
                https = false;
            }
            else
            {
                host = (rng.Next(3) == 0 ? "www." : "") + Name(rng) + "." + Tlds[rng.Next(Tlds.Length)];
                path = "/" + Name(rng) + "/" + Name(rng) + ".js";
            }
            if (https) { url = host + ":443"; method = "CONNECT"; }
            else { url = "http://" + host + path; method = "GET"; }
            sb.Clear();
            sb.Append(t / 1000).Append('.').Append((t % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture))
              .Append(' ').Append(rng.Next(1, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6)).Append(' ')
              .Append(ip).Append(" TCP_MISS/200 ").Append(bytes).Append(' ').Append(method).Append(' ').Append(url).Append(' ')
              .Append(user).Append(" HIER_DIRECT/192.0.2.1 text/html\n");
            log.Write(sb);
            sg.Write(url);
            sg.Write(' ');
            sg.Write(ip);
            sg.Write("/- ");
            sg.Write(user);
            sg.Write(' ');
            sg.Write(method);
            sg.Write('\n');
        }
    }

    private static StreamWriter Writer(string path) => new(path, false, new UTF8Encoding(false), 1 << 20);

    private static string Name(Random rng)
    {
        Span<char> s = stackalloc char[rng.Next(6, 13)]; // 6 to 12 letters
        for (var i = 0; i < s.Length; i++) s[i] = (char)('a' + rng.Next(26));
        return new string(s);
    }
}
