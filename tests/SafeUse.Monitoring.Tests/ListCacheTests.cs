using Shouldly;
using Xunit;

namespace SafeUse.Monitoring.Tests;

/// <summary>The compiled-list cache: used when the lists are unchanged, rebuilt when any list changes or the cache is damaged.</summary>
public sealed class ListCacheTests : IDisposable
{
    private readonly Fixture _f = new();
    private string Lists => Path.Combine(_f.Dir, "lists");
    private string CacheDir => Path.Combine(_f.Dir, "cache");

    public void Dispose() => _f.Dispose();

    private static string Categories(CategoryLists lists, string host, string path = "")
    {
        var hostBytes = System.Text.Encoding.ASCII.GetBytes(host);
        var mask = lists.ClassifyHost(hostBytes);
        if (path.Length > 0) mask |= lists.ClassifyUrl(hostBytes, System.Text.Encoding.ASCII.GetBytes(path));
        return string.Join(",", Enumerable.Range(0, lists.Names.Count).Where(i => (mask & (UInt128.One << i)) != UInt128.Zero).Select(i => lists.Names[i]));
    }

    private static void ClassifiesLikeTheFixture(CategoryLists lists)
    {
        Categories(lists, "www.a.amex.com").ShouldBe("gambling");
        Categories(lists, "aamex.com").ShouldBe("");
        Categories(lists, "safe.bet365.com").ShouldBe("gambling,whitelist");
        Categories(lists, "FACEBOOK.com").ShouldBe("social");
        Categories(lists, "foo.com", "/~badguy/page").ShouldBe("badguys");
        Categories(lists, "www2.bar.org", "/a/b").ShouldBe("badguys");
        Categories(lists, "bar.org", "/a").ShouldBe("");
    }

    [Fact]
    public void Second_load_reads_the_cache_and_classifies_the_same()
    {
        var first = CategoryLists.Load(Lists, CacheDir);
        first.Cache.ShouldBe(ListCacheState.Written);
        ClassifiesLikeTheFixture(first);
        Directory.GetFiles(CacheDir).Length.ShouldBe(1);

        var second = CategoryLists.Load(Lists, CacheDir);
        second.Cache.ShouldBe(ListCacheState.Read);
        second.DomainCount.ShouldBe(first.DomainCount);
        second.UrlCount.ShouldBe(first.UrlCount);
        ClassifiesLikeTheFixture(second);
    }

    [Fact]
    public void Changing_a_list_rebuilds_the_cache()
    {
        CategoryLists.Load(Lists, CacheDir).Cache.ShouldBe(ListCacheState.Written);
        File.AppendAllText(Path.Combine(Lists, "social", "domains"), "newsite.example\n");
        var changed = CategoryLists.Load(Lists, CacheDir);
        changed.Cache.ShouldBe(ListCacheState.Written);
        Categories(changed, "www.newsite.example").ShouldBe("social");
        CategoryLists.Load(Lists, CacheDir).Cache.ShouldBe(ListCacheState.Read);
        Categories(CategoryLists.Load(Lists, CacheDir), "www.newsite.example").ShouldBe("social");
    }

    [Fact]
    public void A_new_category_or_alias_rebuilds_the_cache()
    {
        CategoryLists.Load(Lists, CacheDir).Cache.ShouldBe(ListCacheState.Written);
        Directory.CreateSymbolicLink(Path.Combine(Lists, "betting"), Path.Combine(Lists, "gambling"));
        var aliased = CategoryLists.Load(Lists, CacheDir);
        aliased.Cache.ShouldBe(ListCacheState.Written);
        Categories(aliased, "amex.com").ShouldBe("betting,gambling");
        Categories(CategoryLists.Load(Lists, CacheDir), "amex.com").ShouldBe("betting,gambling");
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void A_damaged_cache_is_rebuilt(string damage)
    {
        CategoryLists.Load(Lists, CacheDir);
        var file = Directory.GetFiles(CacheDir).Single();
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "truncated": File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]); break;
            case "garbage":
                // Slot offsets pointing far outside the file must be refused, not followed.
                for (var i = 4096; i < bytes.Length - 64; i++) bytes[i] = 0xFF;
                File.WriteAllBytes(file, bytes);
                break;
            default: File.WriteAllBytes(file, []); break;
        }
        var lists = CategoryLists.Load(Lists, CacheDir);
        lists.Cache.ShouldBe(ListCacheState.Written);
        ClassifiesLikeTheFixture(lists);
        CategoryLists.Load(Lists, CacheDir).Cache.ShouldBe(ListCacheState.Read);
    }

    [Fact]
    public void An_unwritable_cache_folder_does_not_stop_the_run()
    {
        var notAFolder = Path.Combine(_f.Dir, "occupied");
        File.WriteAllText(notAFolder, "a file where the cache folder would go");
        var lists = CategoryLists.Load(Lists, notAFolder);
        lists.Cache.ShouldBe(ListCacheState.Unwritable);
        ClassifiesLikeTheFixture(lists);
    }

    [Fact]
    public void Bad_lists_are_still_rejected_with_file_and_line_when_a_cache_exists()
    {
        CategoryLists.Load(Lists, CacheDir);
        File.AppendAllText(Path.Combine(Lists, "social", "domains"), "fine.example\nbad entry.example\n");
        var e = Should.Throw<MonitoringConfigException>(() => CategoryLists.Load(Lists, CacheDir));
        e.Message.ShouldBe($"{Path.Combine(Lists, "social", "domains")}:3: domains: entry contains a space or control character");
    }

    /// <summary>Keys of 1 to 60 bytes (the first 16 are also kept inline at the slot), all sharing one 20-byte start.</summary>
    private static List<string> KeysOfEveryLength()
    {
        var rng = new Random(7);
        var keys = new HashSet<string>();
        while (keys.Count < 3000)
        {
            var length = rng.Next(1, 61);
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = (char)('a' + rng.Next(26));
            var key = new string(chars);
            keys.Add(length > 24 && rng.Next(2) == 0 ? "sharedprefixsharedpr" + key[20..] : key);
        }
        return [.. keys];
    }

    private static string Changed(string key) => key[..^1] + (key[^1] == 'z' ? 'a' : 'z'); // same length, last byte differs

    [Fact]
    public void A_growing_table_finds_keys_of_every_length_exactly()
    {
        var keys = KeysOfEveryLength();
        var table = new ByteKeyTable(expected: 1); // grows from 16 slots, moving every slot and its inline key
        var present = keys.ToHashSet();
        for (var i = 0; i < keys.Count; i++)
        {
            var k = System.Text.Encoding.ASCII.GetBytes(keys[i]);
            table.Add(k, Hashing.Name(k), UInt128.One << (i % 100));
        }
        table.Seal();
        for (var i = 0; i < keys.Count; i++)
        {
            var k = System.Text.Encoding.ASCII.GetBytes(keys[i]);
            table.FindLowered(k, Hashing.Name(k)).ShouldBe(UInt128.One << (i % 100), keys[i]);
            table.Find(System.Text.Encoding.ASCII.GetBytes(keys[i].ToUpperInvariant()), Hashing.Name(k)).ShouldBe(UInt128.One << (i % 100), keys[i]);
            var miss = Changed(keys[i]);
            if (!present.Contains(miss))
            {
                var m = System.Text.Encoding.ASCII.GetBytes(miss);
                table.FindLowered(m, Hashing.Name(m)).ShouldBe(UInt128.Zero, miss);
                // The same hash with other bytes: only the key compare (inline, or in the arena past 16 bytes) can say no.
                table.FindLowered(m, Hashing.Name(k)).ShouldBe(UInt128.Zero, miss);
            }
        }
    }

    [Fact]
    public void Domains_of_every_length_are_found_the_same_from_the_cache()
    {
        var keys = KeysOfEveryLength().Select(k => k + ".test").ToList();
        File.WriteAllText(Path.Combine(Lists, "social", "domains"), string.Join('\n', keys) + "\n");
        foreach (var state in new[] { ListCacheState.Written, ListCacheState.Read })
        {
            var lists = CategoryLists.Load(Lists, CacheDir);
            lists.Cache.ShouldBe(state);
            foreach (var key in keys)
            {
                Categories(lists, "www." + key).ShouldBe("social", key);
                Categories(lists, Changed(key[..^5]) + ".test").ShouldBe(keys.Contains(Changed(key[..^5]) + ".test") ? "social" : "", key);
            }
        }
    }
}
