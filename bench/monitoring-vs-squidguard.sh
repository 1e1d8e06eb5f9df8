#!/usr/bin/env bash
# Benchmark: `safeuse monitor run` against Debian's squidGuard 1.6 on the same 2,000,000 squid requests, with
# 1,000,000 listed domains and 20,000 URL entries in 8 categories, generated from a fixed seed.
# Needs: apt-get install -y squidguard (and /usr/bin/time, python3). Usage: bench/monitoring-vs-squidguard.sh [DATA_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${1:-${SAFEUSE_BENCH_DATA:-/tmp/safeuse-bench}}"
LINES=2000000

dotnet build -c Release "$ROOT/bench/SafeUse.Monitoring.Benchmarks" -v q -nologo >/dev/null
dotnet build -c Release "$ROOT/src/SafeUse" -v q -nologo >/dev/null
SAFEUSE="$ROOT/src/SafeUse/bin/Release/net10.0/safeuse"

if [[ ! -f "$DATA/access.log" ]]; then
  echo "generating data set in $DATA (fixed seed)"
  dotnet "$ROOT/bench/SafeUse.Monitoring.Benchmarks/bin/Release/net10.0/SafeUse.Monitoring.Benchmarks.dll" generate "$DATA"
fi
cd "$DATA"

run_safeuse() { # threads
  /usr/bin/time -v -o "time-t$1.txt" "$SAFEUSE" monitor run --rules rules.yaml --lists lists --people people.csv \
    --format squid --threads "$1" --out "hits-t$1.jsonl" --summary "summary-t$1.json" access.log
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

run_safeuse 1
run_safeuse 2
/usr/bin/time -v -o time-sg.txt squidGuard -c squidGuard.conf < squidguard-input.txt > squidguard.out

python3 - "$LINES" <<'PY'
import json, re, sys
lines = int(sys.argv[1])
def wall(f):
    t = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(f).read()).group(1).split(":")
    s = 0.0
    for p in t: s = s * 60 + float(p)
    return s
def rss(f): return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read()).group(1)) / 1024
ours = set()
for l in open("hits-t1.jsonl"):
    h = json.loads(l)
    if h["rule"] == "listed": ours.add(int(h["source"].rsplit(":", 1)[1]))
sg = set(i + 1 for i, l in enumerate(open("squidguard.out")) if l.startswith("OK"))
s1 = json.load(open("summary-t1.json")); s2 = json.load(open("summary-t2.json"))
same_threads = open("hits-t1.jsonl", "rb").read() == open("hits-t2.jsonl", "rb").read()
w1, w2, ws = wall("time-t1.txt"), wall("time-t2.txt"), wall("time-sg.txt")
print(f"requests                       {lines:,}")
print(f"safeuse --threads 1 (process)  {w1:.2f} s  {lines / w1:,.0f} lines/s  peak RSS {rss('time-t1.txt'):.0f} MB  "
      f"list load {s1['listLoadSeconds']:.3f} s  engine {s1['linesPerSecond']:,.0f} lines/s  hits {s1['hits']:,}")
print(f"safeuse --threads 2 (process)  {w2:.2f} s  {lines / w2:,.0f} lines/s  peak RSS {rss('time-t2.txt'):.0f} MB  "
      f"list load {s2['listLoadSeconds']:.3f} s  engine {s2['linesPerSecond']:,.0f} lines/s")
print(f"squidGuard 1.6 (process)       {ws:.2f} s  {lines / ws:,.0f} lines/s  peak RSS {rss('time-sg.txt'):.0f} MB")
print(f"ratio safeuse/squidGuard       {ws / w1:.1f}x (1 thread)  {ws / w2:.1f}x (2 threads)")
print(f"domain+URL flags               safeuse {len(ours):,}  squidGuard {len(sg):,}  "
      f"only safeuse {len(ours - sg):,}  only squidGuard {len(sg - ours):,}  -> {'AGREE' if ours == sg else 'DISAGREE'}")
print(f"threads 1 vs 2 output          {'identical' if same_threads else 'DIFFERENT'}")
sys.exit(0 if ours == sg and same_threads else 1)
PY
