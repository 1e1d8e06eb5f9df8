using System.Text;
using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

/// <summary>The library pieces the web app's ingest uses: people from another store, the source preview and file identity.</summary>
public sealed class IngestSupportTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void People_made_in_memory_are_found_like_people_from_a_file_and_a_repeated_user_keeps_the_first()
    {
        var people = People.Create([new Person("jdoyle", "Staff", "", ""), new Person("18kpat", "pupil", "", ""), new Person("JDOYLE", "pupil", "", "")]);
        people.All.Count.ShouldBe(2);
        people.Roles.ShouldBe(["staff", "pupil"]);
        people.Find(@"SCHOOL\JDoyle"u8)!.Role.ShouldBe("staff");
        people.Find("18kpat@SCHOOL.LOCAL"u8)!.Role.ShouldBe("pupil");
        people.Find("stranger"u8).ShouldBeNull();
    }

    [Fact]
    public void The_preview_names_the_format_and_parses_each_line_or_says_why_it_is_skipped()
    {
        var head = Encoding.UTF8.GetBytes(
            "1796202000.000     10 10.0.0.5 TCP_MISS/200 100 GET http://poker.example/page jdoyle HIER_DIRECT/192.0.2.1 text/html\n"
            + "1796202060.000      1 10.0.0.5 TCP_DENIED/407 3487 GET http://poker.example/x - HIER_NONE/- text/html\r\n"
            + "\n"
            + "1796202120.000     10 10.0.0.6 TCP_MISS/200 100 CONNECT www.bing.com:443 - HIER_DIRECT/192.0.2.1 -");
        var (format, lines) = LogPreview.Read(head, LogFormat.Auto, London, 2026);
        format.ShouldBe("squid (native)");
        lines.Count.ShouldBe(3);
        lines[0].ShouldBe(new PreviewLine(1, null, new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero), "10.0.0.5", "jdoyle", "http://poker.example/page"));
        lines[1].Reason.ShouldBe("authentication challenge (407)");
        (lines[2].Number, lines[2].User, lines[2].Ip).ShouldBe((4, null, "10.0.0.6"));

        var (unknown, unread) = LogPreview.Read("hello\nworld\n"u8, LogFormat.Auto, London, 2026);
        unknown.ShouldBeNull();
        unread.Select(l => l.Reason).ShouldBe(["log format not recognised", "log format not recognised"]);
    }

    [Fact]
    public void A_file_keeps_its_identity_when_renamed_and_a_new_file_has_another()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // statx is Linux's; elsewhere the ingest knows files by their head alone
        }

        var dir = Directory.CreateTempSubdirectory("safeuse-identity-");
        try
        {
            var a = Path.Combine(dir.FullName, "access.log");
            File.WriteAllText(a, "one\n");
            (ulong, ulong)? Of(string path)
            {
                using var f = File.OpenRead(path);
                return FileIdentity.Of(f.SafeFileHandle);
            }

            var before = Of(a).ShouldNotBeNull();
            before.Item2.ShouldNotBe(0UL);
            File.Move(a, a + ".1");
            Of(a + ".1").ShouldBe(before);
            File.WriteAllText(a, "two\n");
            Of(a).ShouldNotBe(before);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
