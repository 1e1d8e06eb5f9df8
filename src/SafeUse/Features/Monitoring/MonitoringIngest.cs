using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SafeUse.Features.People;
using SafeUse.Monitoring;
using SafeUse.Platform.Data;
using EnginePeople = SafeUse.Monitoring.People;
using EnginePerson = SafeUse.Monitoring.Person;

namespace SafeUse.Features.Monitoring;

/// <summary>What one ingest of one source did.</summary>
internal sealed record SourceResult(long SourceId, string Name, long LinesRead, long LinesSkipped, int AlertsRaised, int HitsAdded, double Seconds, string? Error, bool Busy = false)
{
    public double LinesPerSecond => Seconds > 0 ? LinesRead / Seconds : 0;
}

/// <summary>
/// Reads each enabled log source of a school from where it stopped, runs the monitoring engine in process over the new
/// complete lines, and stores its hits as alerts. A file is known again by its device and inode and a SHA-256 of its
/// first bytes (a rotated file keeps its inode; a truncated or replaced one changes its head), and a rotated file that
/// was then compressed is known by its head alone. Each batch's alerts and the file's new position commit in one
/// transaction, so a crash loses nothing and reading a file again adds nothing.
/// </summary>
internal sealed class MonitoringIngest(AppDbContext db, TimeProvider time, IOptions<MonitoringOptions> options, IOptions<DatabaseOptions> database,
    IEnumerable<IAlertRaised> hooks)
{
    public const int HeadMax = 1024; // bytes of a file's start that identify it: well past squid's first line, and cheap to hash
    private const int MaxFilesPerSource = 1000; // a glob that matches a whole disk is a mistake, not a log
    private static readonly TimeSpan PositionKept = TimeSpan.FromDays(31); // longer than any rotation schedule keeps a file uncompressed

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The path the school's rules are named by in messages, which anchors their search-term files: beside the lists folder.</summary>
    public static string RulesPath(string listsPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(listsPath.TrimEnd('/', '\\'))) ?? "/", "rules.yaml");

    public string ListCache => Path.Combine(Path.GetFullPath(database.Value.DataDirectory), "monitoring-cache");

    public async Task<List<SourceResult>> IngestAllAsync(long? schoolId, CancellationToken ct)
    {
        var schools = await db.LogSources.AsNoTracking().Where(s => s.Enabled && (schoolId == null || s.SchoolId == schoolId))
            .Select(s => s.SchoolId).Distinct().OrderBy(s => s).ToListAsync(ct);
        var results = new List<SourceResult>();
        foreach (var school in schools)
        {
            results.AddRange(await IngestSchoolAsync(school, ct));
        }

        return results;
    }

    public async Task<List<SourceResult>> IngestSchoolAsync(long schoolId, CancellationToken ct)
    {
        var sources = await db.LogSources.AsNoTracking().Where(s => s.SchoolId == schoolId && s.Enabled).OrderBy(s => s.Id).ToListAsync(ct);
        if (sources.Count == 0)
        {
            return [];
        }

        var setup = await db.MonitoringSetups.AsNoTracking().FirstOrDefaultAsync(s => s.SchoolId == schoolId, ct);
        RuleSet rules;
        CategoryLists lists;
        try
        {
            if (string.IsNullOrWhiteSpace(setup?.RulesYaml) || string.IsNullOrWhiteSpace(setup.ListsPath))
            {
                throw new MonitoringConfigException("rules.yaml", 0, "setup", "the school's rules and lists folder are not set up yet");
            }

            lists = CategoryLists.Load(setup.ListsPath, ListCache);
            rules = RuleSet.Parse(setup.RulesYaml, RulesPath(setup.ListsPath), lists);
        }
        catch (MonitoringConfigException e)
        {
            var results = new List<SourceResult>();
            foreach (var s in sources)
            {
                await db.LogSources.Where(x => x.Id == s.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastError, e.Message), ct);
                results.Add(new SourceResult(s.Id, s.Name, 0, 0, 0, 0, 0, e.Message));
            }

            return results;
        }

        var trustId = await db.Schools.Where(s => s.Id == schoolId).Select(s => s.TrustId).SingleAsync(ct);
        var (people, directory) = await PeopleAsync(trustId, ct);
        var done = new List<SourceResult>();
        foreach (var source in sources)
        {
            done.Add(await IngestSourceAsync(source, rules, lists, people, directory, ct));
        }

        return done;
    }

    /// <summary>
    /// The engine's people from SafeUse's own records: every current member of staff's network user name and aliases
    /// (role "staff") and every current pupil's user name (role "pupil"), trust-wide since staff work across schools.
    /// </summary>
    private async Task<(EnginePeople People, Dictionary<string, (long? PersonId, long? PupilId)> Directory)> PeopleAsync(long trustId, CancellationToken ct)
    {
        var staff = await db.PersonNetworkNames.AsNoTracking()
            .Where(n => n.TrustId == trustId && db.People.Any(p => p.Id == n.PersonId && !p.IsLeaver))
            .Select(n => new { n.NameNormalized, n.PersonId }).ToListAsync(ct);
        var pupils = await db.Pupils.AsNoTracking().Where(p => p.TrustId == trustId && !p.IsLeaver && p.NetworkUserNameNormalized != null)
            .Select(p => new { p.NetworkUserNameNormalized, p.Id }).ToListAsync(ct);
        var directory = new Dictionary<string, (long?, long?)>(StringComparer.Ordinal);
        var list = new List<EnginePerson>();
        foreach (var s in staff)
        {
            if (directory.TryAdd(s.NameNormalized, (s.PersonId, null)))
            {
                list.Add(new EnginePerson(s.NameNormalized, "staff", "", ""));
            }
        }

        foreach (var p in pupils)
        {
            if (directory.TryAdd(p.NetworkUserNameNormalized!, (null, p.Id)))
            {
                list.Add(new EnginePerson(p.NetworkUserNameNormalized!, "pupil", "", ""));
            }
        }

        return (EnginePeople.Create(list), directory);
    }

    private async Task<SourceResult> IngestSourceAsync(LogSource source, RuleSet rules, CategoryLists lists, EnginePeople people,
        Dictionary<string, (long? PersonId, long? PupilId)> directory, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + options.Value.Lease;
        var taken = await db.LogSources.Where(s => s.Id == source.Id && (s.LeaseUntil == null || s.LeaseUntil < now || s.LeaseHolder == _holder))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseHolder, _holder).SetProperty(s => s.LeaseUntil, until), ct);
        if (taken == 0)
        {
            return new SourceResult(source.Id, source.Name, 0, 0, 0, 0, 0, null, Busy: true);
        }

        var run = new Run(source, directory);
        string? error = null;
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(source.TimeZone);
            var ipMap = source.IpMapKind == "csv" && !string.IsNullOrWhiteSpace(source.IpMapPath) ? IpMap.Load(source.IpMapPath, zone) : null;
            run.Engine = new MonitoringEngine(rules, lists, people, ipMap, now.Year);
            run.Format = Formats.Parse(source.Format);
            run.Positions = await db.LogPositions.Where(p => p.LogSourceId == source.Id).ToListAsync(ct);
            var files = LogFiles.Match(source.Path);
            if (files.Count == 0)
            {
                throw new FileNotFoundException($"No file matches {source.Path}");
            }

            foreach (var file in files.Take(MaxFilesPerSource))
            {
                await IngestFileAsync(run, file, ct);
            }

            // Positions of files long gone (rotated away and deleted) are forgotten; a compressed copy made within
            // this time is still known by its head.
            var seen = run.Seen;
            var old = now - PositionKept;
            await db.LogPositions.Where(p => p.LogSourceId == source.Id && p.UpdatedAt < old && !seen.Contains(p.Id)).ExecuteDeleteAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            error = e switch
            {
                MonitoringConfigException or LeaseLostException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or TimeZoneNotFoundException => e.Message,
                _ => $"The ingest stopped: {e.GetType().Name}. Lines already stored stay stored; the next ingest carries on from there.",
            };
        }
        finally
        {
            var at = time.GetUtcNow().UtcDateTime;
            // Cancellation must not keep the lease: a stopped ingest gives the source back at once.
            await db.LogSources.Where(s => s.Id == source.Id && s.LeaseHolder == _holder).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LeaseHolder, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null)
                .SetProperty(s => s.LastIngestAt, at).SetProperty(s => s.LastError, error), CancellationToken.None);
        }

        return new SourceResult(source.Id, source.Name, run.LinesRead, run.LinesSkipped, run.Raised, run.Added, clock.Elapsed.TotalSeconds, error);
    }

    private sealed class Run(LogSource source, Dictionary<string, (long? PersonId, long? PupilId)> directory)
    {
        public LogSource Source => source;
        public Dictionary<string, (long? PersonId, long? PupilId)> Directory => directory;
        public MonitoringEngine Engine { get; set; } = null!;
        public LogFormat Format { get; set; }
        public List<LogPosition> Positions { get; set; } = [];
        public Dictionary<(string Rule, long? Person, long? Pupil, string? User, string? Ip), Alert?> Open { get; } = [];
        public List<string> Examples { get; } = [];

        /// <summary>Positions of files found this time.</summary>
        public List<long> Seen { get; } = [];
        public long LinesRead { get; set; }
        public long LinesSkipped { get; set; }
        public int Raised { get; set; }
        public int Added { get; set; }
    }

    private async Task IngestFileAsync(Run run, string path, CancellationToken ct)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return; // rotated away between listing and opening: found under its new name next time
        }

        await using var _ = file;
        var identity = FileIdentity.Of(file.SafeFileHandle);
        var (device, inode) = identity is { } id ? (unchecked((long)id.Device), unchecked((long)id.Inode)) : (0L, 0L);
        var gz = await LogFiles.IsGzipAsync(file, ct);
        var head = new byte[HeadMax];
        int headLength;
        await using (var content = LogFiles.Content(file, gz))
        {
            headLength = await LogFiles.FillAsync(content, head, 0, HeadMax, ct);
        }

        head = head[..headLength];
        long? plainLength = gz ? null : file.Length;
        bool Fits(LogPosition p) => p.HeadLength > 0 && p.HeadLength <= head.Length && HeadHash(head, p.HeadLength) == p.HeadHash
            && (plainLength is null || plainLength >= p.Offset);

        // Same file (device and inode, or without them the same name) whose head is unchanged: carry on. Else a
        // copy of a file already read (rotated, then compressed): carry on from where that stopped. Else from the start.
        var position = inode != 0
            ? run.Positions.FirstOrDefault(p => p.Device == device && p.Inode == inode)
            : run.Positions.FirstOrDefault(p => p.Inode == 0 && p.Path == path);
        long start;
        if (position is not null)
        {
            start = Fits(position) ? position.Offset : 0;
        }
        else
        {
            var copy = run.Positions.Where(Fits).OrderByDescending(p => p.Offset).FirstOrDefault();
            start = copy?.Offset ?? 0;
            if (copy is not null)
            {
                run.Seen.Add(copy.Id); // kept while its copy is there, or the copy would be read again once it was forgotten
            }
            position = new LogPosition { LogSourceId = run.Source.Id, Path = path, Device = device, Inode = inode, Offset = start, HeadLength = 0, HeadHash = "" };
            run.Positions.Add(position);
        }

        if (position.Id != 0)
        {
            run.Seen.Add(position.Id);
        }

        if (plainLength is { } length && start >= length)
        {
            return;
        }

        file.Position = 0;
        await using var stream = LogFiles.Content(file, gz);
        if (await LogFiles.SkipAsync(stream, start, ct) < start)
        {
            return; // a compressed copy shorter than what was read of it: nothing new in it
        }

        var batch = options.Value.BatchBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(batch);
        try
        {
            var carry = 0;
            var offset = start;
            while (true)
            {
                var filled = carry + await LogFiles.FillAsync(stream, buffer, carry, batch - carry, ct);
                if (filled == 0)
                {
                    break;
                }

                var lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
                // A line longer than a whole batch is passed on as it is (the engine skips it as malformed); a partial
                // last line waits for the rest of it.
                var take = lastNewline >= 0 ? lastNewline + 1 : filled == batch ? filled : 0;
                if (take == 0)
                {
                    break;
                }

                await CommitBatchAsync(run, position, path, head, buffer.AsMemory(0, take), offset + take, ct);
                offset += take;
                carry = filled - take;
                buffer.AsSpan(take, carry).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CommitBatchAsync(Run run, LogPosition position, string path, byte[] head, ReadOnlyMemory<byte> lines, long end, CancellationToken ct)
    {
        using var output = new MemoryStream();
        RunSummary summary;
        var name = Path.GetFileName(path);
        using (var input = new MemoryStream(lines.ToArray(), writable: false))
        {
            try
            {
                summary = run.Engine.Run(["-"], output, run.Format, 1, input, ct);
            }
            catch (MonitoringConfigException e) when (e.Field == "--format")
            {
                throw new MonitoringConfigException(name, 0, "format", "not recognised from the first lines: choose the log's format on the source");
            }
        }

        var examples = summary.SkippedExamples.Select(e => $"{name} (line {e.Source.AfterLast(':')} of a batch): {e.Reason}").ToList();
        var window = options.Value.StormWindow;
        var now = time.GetUtcNow().UtcDateTime;
        var raised = new List<Alert>();
        var added = 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            output.Position = 0;
            using var reader = new StreamReader(output);
            while (await reader.ReadLineAsync(ct) is { Length: > 0 } json)
            {
                var hit = Hit.Read(json);
                var (personId, pupilId) = Attribute(run.Directory, hit.User);
                var attributed = personId is not null || pupilId is not null;
                var key = (hit.Rule, personId, pupilId, attributed ? null : hit.User, attributed || hit.User is not null ? null : hit.Ip);
                if (!run.Open.TryGetValue(key, out var open))
                {
                    open = await FindOpenAsync(run.Source.SchoolId, key, hit.Time - window, ct);
                }

                if (open is not null && open.IsOpen && hit.Time >= open.FirstAt - window && hit.Time <= open.LastAt + window)
                {
                    open.Count++;
                    open.LastAt = hit.Time > open.LastAt ? hit.Time : open.LastAt;
                    open.FirstAt = hit.Time < open.FirstAt ? hit.Time : open.FirstAt;
                    added++;
                    run.Open[key] = open;
                    continue;
                }

                var alert = new Alert
                {
                    SchoolId = run.Source.SchoolId, LogSourceId = run.Source.Id, PersonId = personId, PupilId = pupilId,
                    UserName = attributed ? null : hit.User, Ip = hit.Ip, Host = hit.Host, Url = hit.Url, Categories = hit.Categories,
                    RuleId = hit.Rule, Clause = hit.Clause, Severity = hit.Severity, SearchText = hit.Search,
                    FirstAt = hit.Time, LastAt = hit.Time, CreatedAt = now,
                };
                db.Alerts.Add(alert);
                raised.Add(alert);
                run.Open[key] = alert;
            }

            var headLength = (int)Math.Min(Math.Min(HeadMax, end), head.Length);
            position.Path = path;
            position.Offset = end;
            position.HeadLength = headLength;
            position.HeadHash = HeadHash(head, headLength);
            position.UpdatedAt = now;
            if (position.Id == 0 && db.Entry(position).State == EntityState.Detached)
            {
                db.LogPositions.Add(position);
            }

            run.Examples.AddRange(examples);
            var kept = string.Join('\n', run.Examples.TakeLast(LogSource.MaxExamples));
            var linesRead = summary.LinesRead;
            var skipped = summary.LinesSkipped;
            if (examples.Count > 0)
            {
                await db.LogSources.Where(s => s.Id == run.Source.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.LinesRead, s => s.LinesRead + linesRead).SetProperty(s => s.LinesSkipped, s => s.LinesSkipped + skipped)
                    .SetProperty(s => s.SkippedExamples, kept), ct);
            }
            else
            {
                await db.LogSources.Where(s => s.Id == run.Source.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.LinesRead, s => s.LinesRead + linesRead).SetProperty(s => s.LinesSkipped, s => s.LinesSkipped + skipped), ct);
            }

            foreach (var hook in hooks)
            {
                await hook.OnRaisedAsync(db, raised, ct);
            }

            // Last before saving: renew the lease; if it ran out and another ingest took the source, this batch must not commit.
            var until = now + options.Value.Lease;
            if (await db.LogSources.Where(s => s.Id == run.Source.Id && s.LeaseHolder == _holder)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, until), ct) == 0)
            {
                throw new LeaseLostException();
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            // What this batch added to the context never reached the database: forget it, so nothing half-done is
            // saved later, and stop this source (its position is where the last commit left it).
            run.Open.Clear();
            throw;
        }

        run.LinesRead += summary.LinesRead;
        run.LinesSkipped += summary.LinesSkipped;
        run.Raised += raised.Count;
        run.Added += added;
    }

    private async Task<Alert?> FindOpenAsync(long schoolId, (string Rule, long? Person, long? Pupil, string? User, string? Ip) key, DateTime since, CancellationToken ct)
    {
        var query = db.Alerts.Where(a => a.SchoolId == schoolId && a.RuleId == key.Rule && (a.State == AlertState.New || a.State == AlertState.Acknowledged) && a.LastAt >= since);
        query = key.Person is { } person ? query.Where(a => a.PersonId == person)
            : key.Pupil is { } pupil ? query.Where(a => a.PupilId == pupil)
            : key.User is { } user ? query.Where(a => a.PersonId == null && a.PupilId == null && a.UserName == user)
            : query.Where(a => a.PersonId == null && a.PupilId == null && a.UserName == null && a.Ip == key.Ip);
        return await query.OrderByDescending(a => a.LastAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>The member of staff or pupil a log user is, compared as SafeUse stores network names (any case, no DOMAIN\), and without an @realm.</summary>
    private static (long? PersonId, long? PupilId) Attribute(Dictionary<string, (long? PersonId, long? PupilId)> directory, string? user)
    {
        if (NetworkNames.Normalize(user) is not { } key)
        {
            return (null, null);
        }

        if (directory.TryGetValue(key, out var found))
        {
            return found;
        }

        var at = key.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && directory.TryGetValue(key[..at], out found) ? found : (null, null);
    }

    public static string HeadHash(ReadOnlySpan<byte> head, int length) => Convert.ToHexString(SHA256.HashData(head[..length]));

    private sealed record Hit(DateTime Time, string? User, string? Ip, string Host, string Url, string Categories, string Rule, string? Clause, string Severity, string? Search)
    {
        public static Hit Read(string json)
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            string? S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var categories = r.TryGetProperty("categories", out var c) && c.ValueKind == JsonValueKind.Array
                ? string.Join(',', c.EnumerateArray().Select(e => e.GetString())) : "";
            var user = S("user");
            return new Hit(DateTime.Parse(S("time")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                user is "-" or "" ? null : user, S("ip"), S("host") ?? "", S("url") ?? "", categories, S("rule")!, S("clause"), S("severity") ?? "medium", S("search"));
        }
    }
}

internal sealed class LeaseLostException() : Exception("Another ingest took this source over after this one held it too long; it carries on from the last batch stored.");

internal static class StringTail
{
    public static string AfterLast(this string s, char c) => s[(s.LastIndexOf(c) + 1)..];
}

/// <summary>Log format names as sources store them.</summary>
internal static class Formats
{
    public static readonly string[] Names = ["auto", "squid", "squid-common", "squid-combined", "e2guardian", "bind", "unbound", "dnsmasq"];

    public static LogFormat Parse(string name) =>
        Enum.TryParse<LogFormat>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var f) ? f : LogFormat.Auto;
}

/// <summary>Finding and reading a source's files: globs in the file name, .gz known by its content.</summary>
internal static class LogFiles
{
    /// <summary>The files a path or glob (wildcards in the file name only) names, oldest first.</summary>
    public static List<string> Match(string pattern)
    {
        var full = Path.GetFullPath(pattern);
        var dir = Path.GetDirectoryName(full) ?? "/";
        var name = Path.GetFileName(full);
        if (name.IndexOfAny(['*', '?']) < 0)
        {
            return File.Exists(full) ? [full] : [];
        }

        return !Directory.Exists(dir) ? []
            : Directory.EnumerateFiles(dir, name, new EnumerationOptions { RecurseSubdirectories = false, MatchType = MatchType.Simple })
                .Select(f => new FileInfo(f)).OrderBy(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
                .Select(f => f.FullName).ToList();
    }

    public static async Task<bool> IsGzipAsync(FileStream file, CancellationToken ct)
    {
        var magic = new byte[2];
        file.Position = 0;
        var n = await FillAsync(file, magic, 0, 2, ct);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b; // the gzip signature
    }

    public static Stream Content(FileStream file, bool gz) => gz ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : new NonClosing(file);

    public static async Task<int> FillAsync(Stream s, byte[] buffer, int offset, int count, CancellationToken ct)
    {
        var total = 0;
        while (total < count)
        {
            var n = await s.ReadAsync(buffer.AsMemory(offset + total, count - total), ct);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public static async Task<long> SkipAsync(Stream s, long count, CancellationToken ct)
    {
        if (s is NonClosing { Inner: var f })
        {
            f.Position = Math.Min(count, f.Length);
            return f.Position;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long skipped = 0;
            while (skipped < count)
            {
                var n = await s.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count - skipped)), ct);
                if (n == 0)
                {
                    break;
                }

                skipped += n;
            }

            return skipped;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>The newest file's first bytes (uncompressed), for the "test this source" preview.</summary>
    public static async Task<(string? Path, byte[] Head)> NewestHeadAsync(string pattern, int bytes, CancellationToken ct)
    {
        var files = Match(pattern);
        if (files.Count == 0)
        {
            return (null, []);
        }

        var path = files[^1];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var gz = await IsGzipAsync(file, ct);
        await using var content = Content(file, gz);
        var head = new byte[bytes];
        var n = await FillAsync(content, head, 0, bytes, ct);
        return (path, head[..n]);
    }

    /// <summary>The file stream itself, which its owner disposes.</summary>
    private sealed class NonClosing(FileStream inner) : Stream
    {
        public FileStream Inner => inner;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
