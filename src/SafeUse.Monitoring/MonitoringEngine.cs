using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.IO.Compression;
using System.Text;

namespace SafeUse.Monitoring;

/// <summary>What a run read, skipped and found.</summary>
public sealed class RunSummary
{
    /// <summary>Lines read, including skipped ones.</summary>
    public long LinesRead { get; internal set; }

    /// <summary>Lines parsed as requests.</summary>
    public long LinesParsed { get; internal set; }

    /// <summary>Lines skipped (malformed, not a request, authentication challenges).</summary>
    public long LinesSkipped { get; internal set; }

    /// <summary>Up to 20 skipped lines: source (<c>file:line</c>) and reason.</summary>
    public List<(string Source, string Reason)> SkippedExamples { get; } = [];

    /// <summary>Hits in total.</summary>
    public long Hits { get; internal set; }

    /// <summary>Hits per rule id, in rule order.</summary>
    public List<(string Rule, long Hits)> HitsPerRule { get; } = [];

    /// <summary>Wall time of the run (lists and rules loading excluded; see <see cref="CategoryLists.LoadTime"/>).</summary>
    public double Seconds { get; internal set; }

    /// <summary>Lines read per second of <see cref="Seconds"/>.</summary>
    public double LinesPerSecond => Seconds > 0 ? LinesRead / Seconds : 0;

    /// <summary>Writes the summary as indented JSON.</summary>
    /// <remarks>Written with the engine's own <see cref="JsonSink"/>: loading System.Text.Json for a dozen values took a tenth of a short run's start.</remarks>
    /// <param name="stream">Where to write.</param>
    /// <param name="listLoadTime">How long the lists took to load, if known.</param>
    /// <param name="listCache">Whether the lists came from the cache, if known.</param>
    /// <param name="compiled">How the engine that ran was compiled: "native" (ahead of time) or "jit"; omitted when null.</param>
    public void WriteJson(Stream stream, TimeSpan? listLoadTime = null, ListCacheState? listCache = null, string? compiled = null)
    {
        var w = new JsonSink(1024);
        void Key(string name)
        {
            w.Raw("  "u8);
            w.String(name);
            w.Raw(": "u8);
        }
        void Number(string name, long value)
        {
            Key(name);
            w.Long(value);
            w.Raw(",\n"u8);
        }
        w.Raw("{\n"u8);
        Number("linesRead", LinesRead);
        Number("linesParsed", LinesParsed);
        Number("linesSkipped", LinesSkipped);
        // A list of items as an array or object, "[]" or "{}" when empty, one item a line.
        void Items<T>(string name, List<T> items, byte open, byte close, Action<T> write)
        {
            Key(name);
            if (items.Count == 0) { w.Raw([open, close, (byte)',', (byte)'\n']); return; }
            w.Raw([open, (byte)'\n']);
            for (var i = 0; i < items.Count; i++)
            {
                write(items[i]);
                w.Raw(i < items.Count - 1 ? ",\n"u8 : "\n"u8);
            }
            w.Raw([(byte)' ', (byte)' ', close, (byte)',', (byte)'\n']);
        }
        Items("skippedExamples", SkippedExamples, (byte)'[', (byte)']', e =>
        {
            w.Raw("    {\n      \"source\": "u8);
            w.String(e.Source);
            w.Raw(",\n      \"reason\": "u8);
            w.String(e.Reason);
            w.Raw("\n    }"u8);
        });
        Number("hits", Hits);
        Items("hitsPerRule", HitsPerRule, (byte)'{', (byte)'}', r =>
        {
            w.Raw("    "u8);
            w.String(r.Rule);
            w.Raw(": "u8);
            w.Long(r.Hits);
        });
        if (listLoadTime is { } l)
        {
            Key("listLoadSeconds");
            w.Raw(Encoding.ASCII.GetBytes(Math.Round(l.TotalSeconds, 3).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            w.Raw(",\n"u8);
        }
        if (listCache is { } c)
        {
            Key("listCache");
            w.String(c.ToString().ToLowerInvariant());
            w.Raw(",\n"u8);
        }
        if (compiled is not null)
        {
            Key("compiled");
            w.String(compiled);
            w.Raw(",\n"u8);
        }
        Key("seconds");
        w.Raw(Encoding.ASCII.GetBytes(Math.Round(Seconds, 3).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        w.Raw(",\n"u8);
        Key("linesPerSecond");
        w.Long((long)Math.Round(LinesPerSecond));
        w.Raw("\n}"u8);
        stream.Write(w.Written);
    }
}

/// <summary>
/// The monitoring engine: reads logs in chunks split at newlines, classifies each line in one pass over its bytes,
/// applies the rules and writes hits as JSON lines in log order, whatever the thread count.
/// </summary>
public sealed class MonitoringEngine
{
    private const int ChunkSize = 1 << 20; // 1 MiB: large enough to amortise hand-offs, small enough for cache and memory
    private const int MaxExamples = 20; // skipped-line examples kept for the summary

    private readonly byte[][] _ruleIds;
    private readonly byte[]?[] _clauses;
    private readonly byte[][] _severities;
    private readonly byte[][] _categoryNames;
    private readonly bool _allRulesNeedCategories;
    private readonly bool _peopleMatter; // some rule asks who a line's user is, and there are people to find
    private readonly UInt128 _ruleExpressionCategories;

    /// <summary>Creates an engine from loaded parts.</summary>
    public MonitoringEngine(RuleSet rules, CategoryLists lists, People? people = null, IpMap? ipMap = null, int? year = null)
    {
        Rules = rules;
        Lists = lists;
        People = people ?? People.Empty;
        IpMap = ipMap ?? IpMap.Empty;
        Year = year ?? DateTime.UtcNow.Year;
        _ruleIds = rules.Rules.Select(r => Encoding.UTF8.GetBytes(r.Id)).ToArray();
        _clauses = rules.Rules.Select(r => r.Clause is null ? null : Encoding.UTF8.GetBytes(r.Clause)).ToArray();
        _severities = rules.Rules.Select(r => Encoding.UTF8.GetBytes(r.Severity.ToString().ToLowerInvariant())).ToArray();
        _categoryNames = lists.Names.Select(Encoding.UTF8.GetBytes).ToArray();
        _allRulesNeedCategories = rules.Rules.All(r => r.Categories != UInt128.Zero);
        _peopleMatter = People.All.Count > 0 && rules.Rules.Any(r => !r.WhoAny || r.BytesOver > 0);
        foreach (var r in rules.Rules) _ruleExpressionCategories |= (r.Categories | r.ExceptCategories) & lists.ExpressionCategories;
        _rules = [.. rules.Rules];
        _ruleTails = [.. rules.Rules.Select((r, i) =>
        {
            var tail = new JsonSink(256);
            tail.Raw(",\"rule\":"u8);
            tail.String(_ruleIds[i]);
            tail.Raw(",\"clause\":"u8);
            if (_clauses[i] is { } clause) tail.String(clause); else tail.Raw("null"u8);
            tail.Raw(",\"severity\":"u8);
            tail.String(_severities[i]);
            tail.Raw(",\"search\":"u8);
            return tail.Written.ToArray();
        })];
        _roleAllowed = rules.Rules.Select(r => People.Roles.Select(r.WhoRoles.Contains).ToArray()).ToArray();
        _roleJson = People.Roles.Select(role => JsonSink.Render(Encoding.UTF8.GetBytes(role))).ToArray();
    }

    private readonly Rule[] _rules;
    private readonly byte[][] _ruleTails; // ,"rule":..,"clause":..,"severity":..,"search": rendered once per rule // an array: the hot loop indexes it without interface calls
    private readonly byte[][] _roleJson; // [person.RoleId]: the role as a JSON string, for hits
    private readonly bool[][] _roleAllowed; // [rule][person.RoleId]: who: roles without comparing strings per line

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool RoleAllowed(int rule, Person person, int roleId)
    {
        var allowed = _roleAllowed[rule];
        return (uint)roleId < (uint)allowed.Length ? allowed[roleId] : Rules.Rules[rule].WhoRoles.Contains(person.Role);
    }

    /// <summary>The rules.</summary>
    public RuleSet Rules { get; }

    /// <summary>Read size; tests make it tiny to put lines across buffer and chunk boundaries.</summary>
    internal int ChunkBytes { get; set; } = ChunkSize;

    /// <summary>The category lists.</summary>
    public CategoryLists Lists { get; }

    /// <summary>The people.</summary>
    public People People { get; }

    /// <summary>The IP map.</summary>
    public IpMap IpMap { get; }

    /// <summary>The year for syslog-style times that carry none.</summary>
    public int Year { get; }

    /// <summary>Loads lists (through the list cache in <paramref name="listCache"/> when given), rules, people and the IP map from files.</summary>
    /// <exception cref="MonitoringConfigException">Any of them is invalid.</exception>
    public static MonitoringEngine Load(string rulesPath, string listsDirectory, string? peoplePath = null, string? ipMapPath = null, int? year = null,
        string? listCache = null)
    {
        var lists = CategoryLists.Load(listsDirectory, listCache);
        var rules = RuleSet.Load(rulesPath, lists);
        var people = peoplePath is null ? null : People.Load(peoplePath);
        var map = ipMapPath is null ? null : IpMap.Load(ipMapPath, rules.TimeZone);
        return new MonitoringEngine(rules, lists, people, map, year);
    }

    /// <summary>
    /// Runs over <paramref name="inputs"/> (paths, <c>.gz</c> recognised by content, or <c>-</c> for
    /// <paramref name="stdin"/>), writing hits to <paramref name="output"/>.
    /// </summary>
    /// <exception cref="MonitoringConfigException">A file's format cannot be recognised.</exception>
    public RunSummary Run(IReadOnlyList<string> inputs, Stream output, LogFormat format = LogFormat.Auto, int threads = 1,
        Stream? stdin = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var summary = new RunSummary();
        var hitsPerRule = new long[Rules.Rules.Count];
        var bytesState = new Dictionary<BytesKey, long>(); // bytes-over totals per rule, person and window
        var mergeWorker = new Worker(this);
        var mainWorker = new Worker(this);
        threads = Math.Max(1, threads);
        // With N threads: N - 1 helper threads plus this one, which also reads and merges, so N threads in all.
        using var helpers = threads == 1 ? null : new Helpers(this, threads - 1);

        foreach (var input in inputs)
        {
            using var stream = Open(input, stdin);
            var name = input;
            var nameBytes = Encoding.UTF8.GetBytes(name);
            Parser? parser = null;
            long nextLine = 1;
            var reader = new ChunkReader(stream, ChunkBytes);
            // A pipeline: this thread reads chunks and queues them for the helpers, and merges results oldest first,
            // so output stays in log order; while the oldest is not done it processes queued chunks itself.
            var pending = new Queue<Job>();
            var maxPending = threads * 3; // 3 per thread: one running, one queued, one being merged
            while (reader.Next() is { } chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                chunk.FirstLine = nextLine;
                nextLine += chunk.LineCount;
                if (parser is null)
                {
                    var detected = LogParsers.Detect(chunk.Data, format);
                    parser = LogParsers.ForFormat(format, detected);
                    if (parser is null)
                    {
                        chunk.Dispose();
                        throw new MonitoringConfigException(name, 0, "--format", "log format not recognised from the first lines; name it with --format");
                    }
                }
                var p = parser.Value;
                if (helpers is null)
                {
                    var result = mainWorker.Process(chunk, p, nameBytes);
                    Merge(chunk, result, p, name, nameBytes, summary, hitsPerRule, bytesState, mergeWorker, output);
                    chunk.Dispose();
                    continue;
                }
                var job = new Job(chunk, p, nameBytes);
                pending.Enqueue(job);
                helpers.Add(job);
                while (pending.Count >= maxPending)
                    MergeOldest(pending, helpers, mainWorker, p, name, nameBytes, summary, hitsPerRule, bytesState, mergeWorker, output, cancellationToken);
            }
            while (pending.Count > 0)
                MergeOldest(pending, helpers!, mainWorker, parser!.Value, name, nameBytes, summary, hitsPerRule, bytesState, mergeWorker, output, cancellationToken);
        }
        output.Flush();
        summary.Hits = hitsPerRule.Sum();
        for (var r = 0; r < hitsPerRule.Length; r++) summary.HitsPerRule.Add((Rules.Rules[r].Id, hitsPerRule[r]));
        summary.Seconds = clock.Elapsed.TotalSeconds;
        return summary;
    }

    private void MergeOldest(Queue<Job> pending, Helpers helpers, Worker mainWorker, Parser parser, string name, byte[] nameBytes, RunSummary summary,
        long[] hitsPerRule, Dictionary<BytesKey, long> bytesState, Worker mergeWorker, Stream output, CancellationToken cancellationToken)
    {
        var job = pending.Peek();
        while (!job.Done.IsSet)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (helpers.TryTakeQueued(out var other)) other.Run(mainWorker); // help rather than wait
            else job.Done.Wait(cancellationToken);
        }
        pending.Dequeue();
        job.Done.Dispose();
        if (job.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        Merge(job.Chunk, job.Result!, parser, name, nameBytes, summary, hitsPerRule, bytesState, mergeWorker, output);
        job.Chunk.Dispose();
    }

    /// <summary>One chunk to process, run by whichever thread claims it first.</summary>
    private sealed class Job(Chunk chunk, Parser parser, byte[] name)
    {
        private int _claimed;

        public Chunk Chunk { get; } = chunk;
        public ChunkResult? Result { get; private set; }
        public Exception? Error { get; private set; }
        public ManualResetEventSlim Done { get; } = new(false);

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public void Run(Worker worker)
        {
            try { Result = worker.Process(Chunk, parser, name); }
            catch (Exception e) { Error = e; }
            finally { Done.Set(); }
        }
    }

    /// <summary>Helper threads, each with its own <see cref="Worker"/>, taking queued jobs until disposed.</summary>
    private sealed class Helpers : IDisposable
    {
        private readonly ConcurrentQueue<Job> _queue = new();
        private readonly SemaphoreSlim _signal = new(0);
        private readonly Thread[] _threads;
        private volatile bool _stop;

        public Helpers(MonitoringEngine engine, int count)
        {
            _threads = new Thread[count];
            for (var i = 0; i < count; i++)
            {
                var worker = new Worker(engine);
                _threads[i] = new Thread(() =>
                {
                    while (true)
                    {
                        _signal.Wait();
                        if (_stop) return;
                        if (TryTakeQueued(out var job)) job.Run(worker);
                    }
                }) { IsBackground = true, Name = "safeuse monitor" };
                _threads[i].Start();
            }
        }

        public void Add(Job job)
        {
            _queue.Enqueue(job);
            _signal.Release();
        }

        /// <summary>A queued job no other thread has claimed, claimed for the caller.</summary>
        public bool TryTakeQueued(out Job job)
        {
            while (_queue.TryDequeue(out job!))
                if (job.TryClaim()) return true;
            return false;
        }

        public void Dispose()
        {
            _stop = true;
            _signal.Release(_threads.Length);
            foreach (var t in _threads) t.Join();
            _signal.Dispose();
        }
    }

    private static Stream Open(string input, Stream? stdin)
    {
        Stream s = input == "-" ? stdin ?? Console.OpenStandardInput() : new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (input != "-" && s.Length >= 2)
        {
            Span<byte> magic = stackalloc byte[2];
            s.ReadExactly(magic);
            s.Position = 0;
            if (magic[0] == 0x1F && magic[1] == 0x8B) return new GZipStream(s, CompressionMode.Decompress); // gzip magic
        }
        return s;
    }

    private void Merge(Chunk chunk, ChunkResult result, Parser parser, string name, byte[] nameBytes, RunSummary summary, long[] hitsPerRule,
        Dictionary<BytesKey, long> bytesState, Worker mergeWorker, Stream output)
    {
        summary.LinesRead += result.Read;
        summary.LinesParsed += result.Parsed;
        summary.LinesSkipped += result.Read - result.Parsed;
        foreach (var (line, reason) in result.Examples)
            if (summary.SkippedExamples.Count < MaxExamples) summary.SkippedExamples.Add(($"{name}:{line}", reason));
        for (var r = 0; r < hitsPerRule.Length; r++) hitsPerRule[r] += result.Hits[r];
        // bytes-over: the chunk's totals per rule, person and window are added to the run's; where a total crosses
        // its threshold in this chunk, the crossing line is found in that group's lines and its hit written in place.
        var crossings = new List<(int OutputPosition, int Rule, BytesLine Line)>();
        var lines = CollectionsMarshal.AsSpan(result.BytesLines);
        foreach (var g in result.BytesGroups)
        {
            var threshold = Rules.Rules[g.Key.Rule].BytesOver;
            ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(bytesState, g.Key, out _);
            if (total <= threshold && total > threshold - g.Total) // total + g.Total > threshold, without overflow
            {
                for (var e = g.Head; e >= 0; e = lines[e].Next)
                {
                    if (lines[e].CumBefore + lines[e].Bytes > threshold - total)
                    {
                        crossings.Add((lines[e].OutputPosition, g.Key.Rule, lines[e]));
                        break;
                    }
                }
            }
            total = total > long.MaxValue - g.Total ? long.MaxValue : total + g.Total;
        }
        // Log order: crossings with no other hit between them share an output position, so the line decides, then the rule.
        crossings.Sort((a, b) => a.OutputPosition != b.OutputPosition ? a.OutputPosition.CompareTo(b.OutputPosition)
            : a.Line.LineNumber != b.Line.LineNumber ? a.Line.LineNumber.CompareTo(b.Line.LineNumber) : a.Rule.CompareTo(b.Rule));
        var written = result.Output.Written;
        var pos = 0;
        foreach (var (outputPosition, rule, line) in crossings)
        {
            output.Write(written[pos..outputPosition]);
            pos = outputPosition;
            hitsPerRule[rule]++;
            mergeWorker.Output.Clear();
            mergeWorker.RenderAgain(chunk.Data.Slice(line.LineOffset, line.LineLength), line.LineNumber, parser, nameBytes, rule);
            output.Write(mergeWorker.Output.Written);
        }
        output.Write(written[pos..]);
        ReturnResult(result);
    }


    /// <summary>A bytes-over total's identity: rule, person (user or IP) and window.</summary>
    internal readonly record struct BytesKey(int Rule, ulong Person, long Window);

    /// <summary>
    /// A chunk's <see cref="BytesKey"/> to group index map: open addressing, at most half full, cleared per chunk.
    /// Used on every line a bytes-over rule counts; a generic dictionary over this struct is not compiled ahead of
    /// time and runs unoptimised code until the runtime recompiles it.
    /// </summary>
    internal sealed class GroupIndex
    {
        private BytesKey[] _keys = new BytesKey[1024];
        private int[] _values = new int[1024];
        private bool[] _used = new bool[1024];
        private int _count;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static int Home(in BytesKey key, int mask)
        {
            var h = key.Person ^ ((ulong)key.Rule * 0x9E3779B97F4A7C15UL) ^ ((ulong)key.Window * 0xC2B2AE3D27D4EB4FUL);
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            return (int)h & mask;
        }

        /// <summary>The value for <paramref name="key"/>, added as 0 when missing (<paramref name="exists"/> false).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public ref int GetValueRefOrAddDefault(BytesKey key, out bool exists)
        {
            if ((_count + 1) * 2 > _keys.Length) Grow();
            var mask = _keys.Length - 1;
            var i = Home(key, mask);
            while (_used[i])
            {
                if (_keys[i] == key) { exists = true; return ref _values[i]; }
                i = (i + 1) & mask;
            }
            _used[i] = true;
            _keys[i] = key;
            _values[i] = 0;
            _count++;
            exists = false;
            return ref _values[i];
        }

        public void Clear()
        {
            if (_count == 0) return;
            Array.Clear(_used);
            _count = 0;
        }

        private void Grow()
        {
            var (keys, values, used) = (_keys, _values, _used);
            _keys = new BytesKey[keys.Length * 2];
            _values = new int[keys.Length * 2];
            _used = new bool[keys.Length * 2];
            var mask = _keys.Length - 1;
            for (var o = 0; o < keys.Length; o++)
            {
                if (!used[o]) continue;
                var i = Home(keys[o], mask);
                while (_used[i]) i = (i + 1) & mask;
                (_used[i], _keys[i], _values[i]) = (true, keys[o], values[o]);
            }
        }
    }

    /// <summary>One chunk's lines for a <see cref="BytesKey"/>: their total and the lines that could cross the threshold.</summary>
    internal struct BytesGroup
    {
        public BytesKey Key;
        public long Total;
        public int Head, Tail; // a linked list through BytesLines
        public bool Saturated; // the chunk's own total is over the threshold: later lines cannot be the crossing one
    }

    /// <summary>A line that might take its group over the threshold, with where its hit would go in the chunk's output.</summary>
    internal struct BytesLine
    {
        public int OutputPosition, LineOffset, LineLength, Next;
        public long LineNumber, CumBefore, Bytes;
    }

    /// <summary>What a worker found in one chunk; reused from chunk to chunk, so its buffers grow once per run, not per chunk.</summary>
    internal sealed class ChunkResult(int rules, JsonSink output)
    {
        public long Read, Parsed;
        public readonly List<(long Line, string Reason)> Examples = [];
        public readonly long[] Hits = new long[rules];
        public readonly JsonSink Output = output;
        public readonly List<BytesGroup> BytesGroups = [];
        public readonly List<BytesLine> BytesLines = [];
        public readonly GroupIndex BytesIndex = new();

        public void Reset()
        {
            Read = Parsed = 0;
            Examples.Clear();
            Array.Clear(Hits);
            Output.Clear();
            BytesGroups.Clear();
            BytesLines.Clear();
            BytesIndex.Clear();
        }
    }

    private readonly ConcurrentBag<ChunkResult> _results = [];

    private ChunkResult RentResult() => _results.TryTake(out var r) ? r : new ChunkResult(_rules.Length, new JsonSink());

    private void ReturnResult(ChunkResult r)
    {
        r.Reset();
        _results.Add(r);
    }

    /// <summary>Per-thread state: scratch buffers and a time-zone cache.</summary>
    internal sealed class Worker
    {
        private readonly MonitoringEngine _e;
        private readonly LocalClock _clock;
        private ChunkResult _result;

        public Worker(MonitoringEngine engine)
        {
            _e = engine;
            _clock = new LocalClock(engine.Rules.TimeZone);
            _result = new ChunkResult(engine._rules.Length, new JsonSink(4096)); // the merge's worker renders into this; Process rents its own
        }

        public JsonSink Output => _result.Output;

        private const int Batch = 16; // lines prepared (and their lookups prefetched) before the first of them is finished
        private const int HostMax = 1024; // DNS names are at most 253 bytes; longer "hosts" are skipped
        private readonly Prepared[] _batch = new Prepared[Batch];
        private readonly byte[] _hosts = new byte[Batch * HostMax];
        private readonly ulong[] _suffixHashes = new ulong[Batch * CategoryLists.MaxSuffixes];
        private readonly int[] _suffixStarts = new int[Batch * CategoryLists.MaxSuffixes];

        /// <summary>A parsed line waiting in the batch: its fields as offsets into the chunk, its host in <see cref="_hosts"/>.</summary>
        private struct Prepared
        {
            public int Offset, Length;
            public long LineNo;
            public string? Reason;
            public long TimeMs, Bytes;
            public int IpOff, IpLen, UserOff, UserLen, UrlOff, UrlLen, PathOff, PathLen, HostLength, Suffixes;
            public bool HasPath;
        }

        /// <summary>
        /// Lines go through in batches, in three passes: each line of a batch is parsed and the filter words of its
        /// host's suffixes prefetched; then the slots of the suffixes the filter passes are prefetched; then each line
        /// is classified and matched. With hosts that rarely repeat, lookups wait on memory; a batch overlaps the waits.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public ChunkResult Process(Chunk chunk, Parser parser, byte[] name)
        {
            _result = _e.RentResult();
            var data = chunk.Data;
            var offset = 0;
            var lineNo = chunk.FirstLine;
            while (offset < data.Length)
            {
                var n = 0;
                while (n < Batch && offset < data.Length)
                {
                    var nl = data[offset..].IndexOf((byte)'\n');
                    var len = nl < 0 ? data.Length - offset : nl;
                    Prepare(data, offset, len, lineNo, parser, n);
                    offset += nl < 0 ? len : nl + 1;
                    lineNo++;
                    n++;
                }
                for (var i = 0; i < n; i++)
                {
                    var suffixes = _batch[i].Reason is null ? _batch[i].Suffixes : 0;
                    if (suffixes > 0) _e.Lists.PrefetchListedSuffixes(_suffixHashes.AsSpan(i * CategoryLists.MaxSuffixes, suffixes));
                }
                for (var i = 0; i < n; i++) Finish(data, i, name, -1);
            }
            return _result;
        }

        public void RenderAgain(ReadOnlySpan<byte> line, long lineNo, Parser parser, byte[] name, int onlyRule)
        {
            var saved = _result;
            var temp = new ChunkResult(_e._rules.Length, saved.Output);
            _result = temp;
            Prepare(line, 0, line.Length, lineNo, parser, 0);
            Finish(line, 0, name, onlyRule);
            _result = saved;
        }

        private void Skip(long lineNo, string reason)
        {
            if (_result.Examples.Count < MaxExamples) _result.Examples.Add((lineNo, reason));
        }

        /// <summary>Where <paramref name="part"/> starts in <paramref name="data"/>; -1 when it is not inside it (a constant).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static int Off(ReadOnlySpan<byte> data, ReadOnlySpan<byte> part)
        {
            if (part.IsEmpty) return 0;
            var off = (long)System.Runtime.CompilerServices.Unsafe.ByteOffset(
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(part));
            return off >= 0 && off + part.Length <= data.Length ? (int)off : -1;
        }

        /// <summary>Parses the line at <paramref name="offset"/> into batch entry <paramref name="slot"/> and prefetches its lookups.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Prepare(ReadOnlySpan<byte> data, int offset, int length, long lineNo, Parser parser, int slot)
        {
            ref var p = ref _batch[slot];
            var line = data.Slice(offset, length);
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            p.Offset = offset;
            p.Length = line.Length;
            p.LineNo = lineNo;
            if (line.IsEmpty) { p.Reason = "empty line"; return; }
            var l = new LogLine();
            p.Reason = LogParsers.Parse(parser, line, _clock, _e.Year, ref l);
            if (p.Reason is not null) return;
            var host = _hosts.AsSpan(slot * HostMax, HostMax);
            if (!LogParsers.SplitUrl(l.Url, host, out p.HostLength, out var pathAndQuery, out p.HasPath)) { p.Reason = LogParsers.ReasonUrl; return; }
            p.TimeMs = l.TimeMs;
            p.Bytes = l.Bytes;
            (p.IpOff, p.IpLen) = (Off(data, l.Ip), l.Ip.Length);
            (p.UserOff, p.UserLen) = (Off(data, l.User), l.User.Length);
            if (_e._peopleMatter) PrefetchUser(l.User);
            (p.UrlOff, p.UrlLen) = (Off(data, l.Url), l.Url.Length);
            (p.PathOff, p.PathLen) = (Off(data, pathAndQuery), pathAndQuery.Length);
            p.Suffixes = _e.Lists.HostSuffixes(host[..p.HostLength],
                _suffixHashes.AsSpan(slot * CategoryLists.MaxSuffixes, CategoryLists.MaxSuffixes),
                _suffixStarts.AsSpan(slot * CategoryLists.MaxSuffixes, CategoryLists.MaxSuffixes));
            if (p.HasPath && p.Suffixes > 0)
                _e.Lists.PrefetchUrlHost(host[..p.HostLength], _suffixHashes.AsSpan(slot * CategoryLists.MaxSuffixes, p.Suffixes),
                    _suffixStarts.AsSpan(slot * CategoryLists.MaxSuffixes, p.Suffixes));
        }

        /// <summary>The hot path's second half: classify, apply rules. <paramref name="onlyRule"/> re-renders one bytes-over hit.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Finish(ReadOnlySpan<byte> data, int slot, byte[] name, int onlyRule)
        {
            ref var p = ref _batch[slot];
            var res = _result;
            if (onlyRule < 0) res.Read++;
            if (p.Reason is not null) { Skip(p.LineNo, p.Reason); return; }
            if (onlyRule < 0) res.Parsed++;
            var l = new LogLine
            {
                TimeMs = p.TimeMs, Bytes = p.Bytes,
                Ip = data.Slice(p.IpOff, p.IpLen), User = data.Slice(p.UserOff, p.UserLen), Url = data.Slice(p.UrlOff, p.UrlLen),
            };
            var hasPath = p.HasPath;
            var host = _hosts.AsSpan(slot * HostMax, p.HostLength);
            var pathAndQuery = p.PathOff < 0 ? "/"u8 : data.Slice(p.PathOff, p.PathLen);
            var path = pathAndQuery;
            var q = path.IndexOfAny((byte)'?', (byte)'#');
            if (q >= 0) path = path[..q];
            var hasQuery = hasPath && q >= 0 && pathAndQuery[q] == '?'; // searches are always in the query

            var lists = _e.Lists;
            UInt128 mask;
            if (p.Suffixes >= 0)
            {
                var hashes = _suffixHashes.AsSpan(slot * CategoryLists.MaxSuffixes, p.Suffixes);
                var starts = _suffixStarts.AsSpan(slot * CategoryLists.MaxSuffixes, p.Suffixes);
                mask = lists.ClassifyHostSuffixes(host, hashes, starts);
                if (hasPath) mask |= lists.ClassifyUrl(host, path, hashes, starts);
            }
            else
            {
                mask = lists.ClassifyHost(host);
                if (hasPath) mask |= lists.ClassifyUrl(host, path);
            }
            var evaluatedExpressions = _e._ruleExpressionCategories;
            if (evaluatedExpressions != UInt128.Zero) mask |= lists.ClassifyExpressions(l.Url, evaluatedExpressions);
            if (mask == UInt128.Zero && _e._allRulesNeedCategories) return;

            // Lazily computed per line.
            var attributed = false;
            var userResolved = false;
            ReadOnlySpan<byte> user = default;
            string? mappedUser = null;
            Person? person = null;
            var personRole = -1; // the person's role id and bytes-over key, kept with the user so the Person is not read per line
            ulong personKey = 0;
            long localMs = 0;
            var haveLocal = false;
            string? search = null;
            var haveSearch = false;

            var rules = _e._rules;
            for (var ri = 0; ri < rules.Length; ri++)
            {
                if (onlyRule >= 0 && ri != onlyRule) continue;
                var r = rules[ri];
                if (r.Categories != UInt128.Zero && (mask & r.Categories) == UInt128.Zero) continue;
                if ((mask & r.ExceptCategories) != UInt128.Zero) continue;
                if (r.SearchTerms is not null)
                {
                    if (!haveSearch) { search = hasQuery ? SearchText.Extract(host, pathAndQuery) : null; haveSearch = true; }
                    if (search is null) continue;
                    var found = false;
                    foreach (var t in r.SearchTerms) if (SearchText.ContainsPhrase(search, t)) { found = true; break; }
                    if (!found) continue;
                }
                if (r.PeriodIndex >= 0 || r.BytesOver > 0)
                {
                    if (!haveLocal) { localMs = _clock.ToLocal(l.TimeMs); haveLocal = true; }
                    if (r.PeriodIndex >= 0 && !InPeriod(r.PeriodIndex, localMs)) continue;
                }
                if (!userResolved) { ResolveUser(ref l, ref user, ref mappedUser, ref person, ref personRole, ref personKey, ref attributed); userResolved = true; }
                if (!r.WhoAny)
                {
                    var ok = (!attributed && r.WhoUnattributed) || (person is not null && _e.RoleAllowed(ri, person, personRole));
                    if (!ok) continue;
                }
                if (r.BytesOver > 0 && onlyRule < 0)
                {
                    var totalKey = person is not null ? personKey // the same as hashing the log's user, without the work
                        : attributed ? Hashing.Forward(People.StripUser(user))
                        : Hashing.Forward(l.Ip, Hashing.Step(Hashing.Seed, (byte)'#')); // '#' keeps IP keys apart from user names
                    var key = new BytesKey(ri, totalKey, CachedWindow(ri, localMs, r.Within));
                    ref var gi = ref res.BytesIndex.GetValueRefOrAddDefault(key, out var exists);
                    if (!exists)
                    {
                        gi = res.BytesGroups.Count;
                        res.BytesGroups.Add(new BytesGroup { Key = key, Head = -1, Tail = -1 });
                    }
                    ref var group = ref CollectionsMarshal.AsSpan(res.BytesGroups)[gi];
                    if (!group.Saturated)
                    {
                        var index = res.BytesLines.Count;
                        res.BytesLines.Add(new BytesLine
                        {
                            OutputPosition = res.Output.Length, LineOffset = p.Offset, LineLength = p.Length, Next = -1,
                            LineNumber = p.LineNo, CumBefore = group.Total, Bytes = l.Bytes,
                        });
                        if (group.Tail >= 0) CollectionsMarshal.AsSpan(res.BytesLines)[group.Tail].Next = index;
                        else group.Head = index;
                        group.Tail = index;
                        if (l.Bytes > r.BytesOver - group.Total) group.Saturated = true;
                    }
                    group.Total = group.Total > long.MaxValue - l.Bytes ? long.MaxValue : group.Total + l.Bytes;
                    continue;
                }
                if (!haveSearch) { search = hasQuery ? SearchText.Extract(host, pathAndQuery) : null; haveSearch = true; }
                var all = mask | lists.ClassifyExpressions(l.Url, lists.ExpressionCategories & ~evaluatedExpressions);
                evaluatedExpressions = lists.ExpressionCategories;
                mask = all;
                res.Hits[ri]++;
                Render(ref l, host, p.LineNo, name, attributed ? user : default, mappedUser, person, personRole, mask, ri, search);
            }
        }

        private long[]? _periodMinute; // per period: the local minute last asked about, and the answer
        private bool[]? _periodAnswer;

        /// <summary>Period membership, asked once per period and minute (logs are in time order, periods are whole minutes).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private bool InPeriod(int period, long localMs)
        {
            if (_periodMinute is null)
            {
                _periodMinute = new long[_e.Rules.Periods.Count];
                Array.Fill(_periodMinute, long.MinValue);
                _periodAnswer = new bool[_e.Rules.Periods.Count];
            }
            var start = _periodMinute[period];
            if ((ulong)(localMs - start) < 60_000) return _periodAnswer![period]; // unsigned: also false for the initial MinValue
            var minuteMs = (localMs >= 0 ? localMs / 60_000 : (localMs - 59_999) / 60_000) * 60_000;
            _periodMinute[period] = minuteMs;
            return _periodAnswer![period] = _e.Rules.InPeriodAtMinute(period, minuteMs);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void ResolveUser(ref LogLine l, ref ReadOnlySpan<byte> user, ref string? mappedUser, ref Person? person, ref int roleId,
            ref ulong key, ref bool attributed)
        {
            user = l.User;
            if (user.IsEmpty || user.SequenceEqual("-"u8))
            {
                user = _e.IpMap.Find(l.Ip, l.TimeMs, out mappedUser);
            }
            attributed = !user.IsEmpty;
            person = attributed ? FindPerson(user, out roleId, out key) : null;
        }

        /// <summary>A user seen before, exactly as the log spelt it (up to 24 bytes), and who they are (null: nobody).</summary>
        private struct UserEntry
        {
            public ulong Hash, W0, W1, W2;
            public int Length; // 0: empty slot
            public int RoleId; // the person's, or -1
            public ulong Key; // the person's bytes-over key
            public Person? Person;
        }

        private const int MaxUserEntries = 1 << 18; // a log of more distinct users than this starts the table afresh
        private UserEntry[] _users = new UserEntry[4096];
        private int _userCount;

        /// <summary>
        /// <see cref="People.Find"/> through a per-thread table keyed by the user's bytes as three words (open
        /// addressing, at most half full): the people file is asked once per distinct spelling, not once per line.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private Person? FindPerson(ReadOnlySpan<byte> user, out int roleId, out ulong key)
        {
            if (user.Length > 24)
            {
                var found = _e.People.Find(user);
                roleId = found?.RoleId ?? -1;
                key = found?.Key ?? 0;
                return found;
            }
            var h = UserHash(user, out var w0, out var w1, out var w2);
            var users = _users;
            var mask = users.Length - 1;
            for (var i = (int)(h & (uint)mask); ; i = (i + 1) & mask)
            {
                ref var e = ref users[i];
                if (e.Length == user.Length && e.Hash == h && e.W0 == w0 && e.W1 == w1 && e.W2 == w2)
                {
                    roleId = e.RoleId;
                    key = e.Key;
                    return e.Person;
                }
                if (e.Length != 0) continue;
                var person = _e.People.Find(user);
                roleId = person?.RoleId ?? -1;
                key = person?.Key ?? 0;
                e = new UserEntry { Hash = h, W0 = w0, W1 = w1, W2 = w2, Length = user.Length, RoleId = roleId, Key = key, Person = person };
                if (++_userCount * 2 > users.Length) GrowUsers();
                return person;
            }
        }

        /// <summary>A user of at most 24 bytes as three little-endian words, and their mixed hash.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static ulong UserHash(ReadOnlySpan<byte> user, out ulong w0, out ulong w1, out ulong w2)
        {
            Span<byte> words = stackalloc byte[24];
            words.Clear();
            user.CopyTo(words);
            w0 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(words);
            w1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(words[8..]);
            w2 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(words[16..]);
            // Users differ in their last characters ("stu00467"), which are the high bytes of the words: every bit
            // must reach the low bits the slot is taken from, so the words are folded and then fully mixed.
            var h = w0 ^ System.Numerics.BitOperations.RotateLeft(w1, 21) ^ System.Numerics.BitOperations.RotateLeft(w2, 42) ^ (ulong)user.Length;
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            h *= 0xC4CEB9FE1A85EC53UL;
            h ^= h >> 33;
            return h;
        }

        /// <summary>Starts loading the table entry of <paramref name="user"/> into cache, for a <see cref="FindPerson"/> a few lines later.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private unsafe void PrefetchUser(ReadOnlySpan<byte> user)
        {
            if (user.IsEmpty || user.Length > 24 || !System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
            var h = UserHash(user, out _, out _, out _);
            var users = _users;
            // A hint only: should the array move before the load, the prefetch just fetches a line nobody reads.
            ref var e = ref users[(int)(h & (uint)(users.Length - 1))];
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref e.Hash));
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref e.Length)); // an entry may span two lines
        }

        private void GrowUsers()
        {
            var old = _users;
            if (old.Length >= MaxUserEntries) { Array.Clear(old); _userCount = 0; return; }
            _users = new UserEntry[old.Length * 2];
            var mask = _users.Length - 1;
            foreach (var e in old)
            {
                if (e.Length == 0) continue;
                var i = (int)(e.Hash & (uint)mask);
                while (_users[i].Length != 0) i = (i + 1) & mask;
                _users[i] = e;
            }
        }

        private long[]? _windowStart; // per rule: the last bytes-over window's first local millisecond, length and number
        private long[]? _windowLength;
        private long[]? _windowId;

        /// <summary><see cref="Window"/>, remembered per rule: consecutive lines nearly always share a window.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private long CachedWindow(int rule, long localMs, TimeSpan within)
        {
            if (_windowStart is null)
            {
                var n = _e.Rules.Rules.Count;
                (_windowStart, _windowLength, _windowId) = (new long[n], new long[n], new long[n]);
            }
            if (_windowLength![rule] > 0 && (ulong)(localMs - _windowStart[rule]) < (ulong)_windowLength[rule]) return _windowId![rule];
            var id = Window(localMs, within);
            // The window's bounds: find them from its number by the same arithmetic, one day and one window at a time.
            const long DayMs = 86_400_000; // milliseconds per day
            var w = (long)within.TotalMilliseconds;
            long start;
            if (w >= DayMs) start = id * w;
            else
            {
                var day = localMs >= 0 ? localMs / DayMs : (localMs - DayMs + 1) / DayMs;
                start = day * DayMs + (localMs - day * DayMs) / w * w;
            }
            _windowStart[rule] = start;
            _windowLength[rule] = Math.Min(w, DayMs - ((start % DayMs) + DayMs) % DayMs); // a window never crosses local midnight
            _windowId![rule] = id;
            return id;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static long Window(long localMs, TimeSpan within)
        {
            const long DayMs = 86_400_000; // milliseconds per day
            var w = (long)within.TotalMilliseconds;
            var day = localMs >= 0 ? localMs / DayMs : (localMs - DayMs + 1) / DayMs;
            if (w >= DayMs) return (day * DayMs) / w; // whole days: windows of whole days from 1970-01-01 local
            var inDay = localMs - day * DayMs;
            return day * (DayMs / w + 1) + inDay / w;
        }

        private byte[]? _sourceName; // the file whose source prefix is cached
        private byte[] _sourcePrefix = [];
        private readonly Dictionary<UInt128, byte[]> _categoryJson = [];

        /// <summary>
        /// One hit as a JSON line. The parts that repeat (the file's name, a rule's id, clause and severity, a set of
        /// categories, a role) are rendered once and copied; only the line's own values are escaped each time.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Render(ref LogLine l, ReadOnlySpan<byte> host, long lineNo, byte[] name, ReadOnlySpan<byte> user, string? mappedUser,
            Person? person, int roleId, UInt128 mask, int rule, string? search)
        {
            var o = _result.Output;
            if (!ReferenceEquals(name, _sourceName))
            {
                var prefix = new JsonSink(256);
                prefix.Raw("\",\"source\":"u8);
                prefix.String(name, closeQuote: false);
                prefix.Raw(":"u8);
                _sourcePrefix = prefix.Written.ToArray();
                _sourceName = name;
            }
            ref var categories = ref CollectionsMarshal.GetValueRefOrAddDefault(_categoryJson, mask, out var known);
            if (!known)
            {
                var list = new JsonSink(256);
                list.Raw(",\"categories\":["u8);
                var first = true;
                for (var c = 0; c < _e._categoryNames.Length; c++)
                {
                    if ((mask & (UInt128.One << c)) == UInt128.Zero) continue;
                    if (!first) list.Raw(","u8);
                    first = false;
                    list.String(_e._categoryNames[c]);
                }
                list.Raw("]"u8);
                categories = list.Written.ToArray();
            }
            o.Raw("{\"time\":\""u8);
            o.Time(l.TimeMs);
            o.Raw(_sourcePrefix);
            o.Long(lineNo);
            o.Raw("\",\"user\":"u8);
            if (user.IsEmpty) o.Raw("null"u8); else o.String(user);
            o.Raw(",\"role\":"u8);
            if (person is null) o.Raw("null"u8);
            else o.Raw((uint)roleId < (uint)_e._roleJson.Length ? _e._roleJson[roleId] : person.RoleJson); // by id: the Person stays out of cache
            o.Raw(",\"ip\":"u8);
            o.String(l.Ip);
            o.Raw(",\"host\":"u8);
            o.String(host);
            o.Raw(",\"url\":"u8);
            o.String(l.Url);
            o.Raw(categories!);
            o.Raw(_e._ruleTails[rule]);
            o.String(search);
            o.Raw("}\n"u8);
            _ = mappedUser;
        }
    }

    /// <summary>A block of whole lines (the last may lack its newline at end of input), in a pooled buffer.</summary>
    internal sealed class Chunk(byte[] buffer, int length, int lineCount) : IDisposable
    {
        public ReadOnlySpan<byte> Data => buffer.AsSpan(0, length);
        public int LineCount { get; } = lineCount;
        public long FirstLine { get; set; }
        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Reads a stream into chunks that end at a newline; a line split across reads is carried over.</summary>
    internal sealed class ChunkReader(Stream stream, int chunkSize = ChunkSize)
    {
        private byte[] _carry = [];
        private int _carryLength;
        private bool _eof;

        public Chunk? Next()
        {
            if (_eof && _carryLength == 0) return null;
            var size = Math.Max(chunkSize, _carryLength * 2);
            var buf = ArrayPool<byte>.Shared.Rent(size);
            _carry.AsSpan(0, _carryLength).CopyTo(buf);
            var filled = _carryLength;
            _carryLength = 0;
            while (true)
            {
                while (!_eof && filled < buf.Length)
                {
                    var n = stream.Read(buf, filled, buf.Length - filled);
                    if (n == 0) _eof = true;
                    filled += n;
                }
                var last = buf.AsSpan(0, filled).LastIndexOf((byte)'\n');
                if (last >= 0 || _eof)
                {
                    var end = _eof ? filled : last + 1;
                    var rest = filled - end;
                    if (rest > 0)
                    {
                        if (_carry.Length < rest) _carry = new byte[Math.Max(rest, chunkSize)];
                        buf.AsSpan(end, rest).CopyTo(_carry);
                    }
                    _carryLength = rest;
                    if (end == 0) { ArrayPool<byte>.Shared.Return(buf); return null; }
                    var lines = buf.AsSpan(0, end).Count((byte)'\n');
                    if (buf[end - 1] != '\n') lines++;
                    return new Chunk(buf, end, lines);
                }
                // One line longer than the buffer: grow and keep reading.
                var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                buf.AsSpan(0, filled).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buf);
                buf = bigger;
            }
        }
    }
}
