#!/usr/bin/env bash
# Benchmark: `safeuse monitor run` against Debian's squidGuard 1.6 on the same 2,000,000 squid requests, with
# 1,000,000 listed domains and 20,000 URL entries in 8 categories, generated from a fixed seed.
#
# safeuse is published as it would be deployed (Release, ReadyToRun). The first run parses the lists and writes the
# compiled-list cache (reported as "cold"); the timed runs then read it, as every run after the first does in
# production until a list changes. Each configuration runs RUNS times (default 5); the median is reported.
#
# Needs: apt-get install -y squidguard gcc (and /usr/bin/time, python3).
# Usage: bench/monitoring-vs-squidguard.sh [DATA_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${1:-${SAFEUSE_BENCH_DATA:-/tmp/safeuse-bench}}"
RUNS="${RUNS:-5}"
LINES=2000000

for tool in squidGuard /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (apt-get install -y squidguard time python3)" >&2; exit 2; }
done
command -v gcc >/dev/null || command -v clang >/dev/null ||
  { echo "$0: no C toolchain to link the native programs (apt-get install -y gcc)" >&2; exit 2; }

mkdir -p "$DATA"
dotnet build -c Release "$ROOT/bench/SafeUse.Monitoring.Benchmarks" -v q -nologo >/dev/null
dotnet publish "$ROOT/src/SafeUse" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$DATA/safeuse-bin" -v q -nologo > "$DATA/publish.log" || { cat "$DATA/publish.log" >&2; exit 1; }
SAFEUSE="$DATA/safeuse-bin/safeuse"

if [[ ! -f "$DATA/access.log" || ! -d "$DATA/sg-urls" ]]; then # sg-urls/: data sets older than the www. URL entries
  echo "generating data set in $DATA (fixed seed)"
  dotnet "$ROOT/bench/SafeUse.Monitoring.Benchmarks/bin/Release/net10.0/SafeUse.Monitoring.Benchmarks.dll" generate "$DATA"
fi
cd "$DATA"

run_safeuse() { # threads run-number
  /usr/bin/time -v -o "time-t$1-$2.txt" "$SAFEUSE" monitor run --rules rules.yaml --lists lists --people people.csv \
    --format squid --threads "$1" --cache cache --out "hits-t$1.jsonl" --summary "summary-t$1-$2.json" access.log
}

rm -rf cache
run_safeuse 1 cold
for r in $(seq "$RUNS"); do run_safeuse 1 "$r"; run_safeuse 2 "$r"; done
/usr/bin/time -v -o time-sg.txt squidGuard -c squidGuard.conf < squidguard-input.txt > squidguard.out

python3 - "$LINES" "$RUNS" <<'PY'
import json, re, statistics, sys
lines, runs = int(sys.argv[1]), int(sys.argv[2])
def wall(f):
    t = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(f).read()).group(1).split(":")
    s = 0.0
    for p in t: s = s * 60 + float(p)
    return s
def rss(f): return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read()).group(1)) / 1024
def med(threads, key):
    return statistics.median(key(r) for r in range(1, runs + 1))
ours = set()
for l in open("hits-t1.jsonl"):
    h = json.loads(l)
    if h["rule"] == "listed": ours.add(int(h["source"].rsplit(":", 1)[1]))
sg = set(i + 1 for i, l in enumerate(open("squidguard.out")) if l.startswith("OK"))
cold = json.load(open("summary-t1-cold.json"))
same_threads = open("hits-t1.jsonl", "rb").read() == open("hits-t2.jsonl", "rb").read()
ws = wall("time-sg.txt")
print(f"requests                       {lines:,}; medians of {runs} runs")
print(f"list load, cold (parse, save)  {cold['listLoadSeconds']:.3f} s (cache {cold['listCache']}); whole cold run {wall('time-t1-cold.txt'):.2f} s")
result = {}
for t in (1, 2):
    w = med(t, lambda r: wall(f"time-t{t}-{r}.txt"))
    m = max(rss(f"time-t{t}-{r}.txt") for r in range(1, runs + 1))
    s = [json.load(open(f"summary-t{t}-{r}.json")) for r in range(1, runs + 1)]
    load = statistics.median(x["listLoadSeconds"] for x in s)
    eng = statistics.median(x["linesPerSecond"] for x in s)
    result[t] = w
    print(f"safeuse --threads {t} (process)  {w:.2f} s  {lines / w:,.0f} lines/s  peak RSS {m:.0f} MB  "
          f"list load {load:.3f} s (cache {s[0]['listCache']})  engine {eng:,.0f} lines/s  hits {s[0]['hits']:,}")
print(f"squidGuard 1.6 (process)       {ws:.2f} s  {lines / ws:,.0f} lines/s  peak RSS {rss('time-sg.txt'):.0f} MB")
print(f"ratio safeuse/squidGuard       {ws / result[1]:.0f}x (1 thread)  {ws / result[2]:.0f}x (2 threads)")
print(f"speed-up with 2 threads        {result[1] / result[2]:.2f}x")
print(f"domain+URL flags               safeuse {len(ours):,}  squidGuard {len(sg):,}  "
      f"only safeuse {len(ours - sg):,}  only squidGuard {len(sg - ours):,}  -> {'AGREE' if ours == sg else 'DISAGREE'}")
print(f"threads 1 vs 2 output          {'identical' if same_threads else 'DIFFERENT'}")
sys.exit(0 if ours == sg and same_threads else 1)
PY
