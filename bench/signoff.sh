#!/usr/bin/env bash
# Sign-off at trust scale: seeds 10,000 staff and 20 policies (timing each publish to everyone), then serves the
# data with `safeuse serve` and measures the filtered register page with wrk from loopback.
# Usage: bench/signoff.sh [STAFF] [POLICIES]. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
staff=${1:-10000}
policies=${2:-20}
# BENCH_DATA=DIR keeps the seeded data there and reuses it on the next run.
work=${BENCH_DATA:-$(mktemp -d)}
port=5391
server=
trap 'kill $server 2>/dev/null || true; [ -n "${BENCH_DATA:-}" ] || rm -rf "$work"' EXIT
dotnet build -c Release -v q -nologo bench/SafeUse.Bench >/dev/null
if [ ! -f "$work/seed.log" ]; then
  mkdir -p "$work"
  dotnet bench/SafeUse.Bench/bin/Release/net10.0/SafeUse.Bench.dll "$work/data" "$staff" "$policies" > "$work/seed.log"
fi
grep -E '^(publish|signed)' "$work/seed.log"
url=$(sed -n 's/^register url: //p' "$work/seed.log")

SafeUse__RunScheduler=false SAFEUSE_SafeUse__RunScheduler=false dotnet src/SafeUse/bin/Release/net10.0/safeuse.dll serve --urls "http://127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done

jar="$work/cookies"
token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/account/sign-in" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "__RequestVerificationToken=$token" \
  --data-urlencode "Input.Email=bench.admin@bench.sch.uk" --data-urlencode "Input.Password=bench admin passphrase" "http://127.0.0.1:$port/account/sign-in"
# The administrator must have a second factor: set up an authenticator app as a person would, computing its codes here.
enrol=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/account/second-factor/enrol")
secret=$(printf '%s' "$enrol" | sed -n 's/.*<code id="secret">\([^<]*\)<\/code>.*/\1/p' | tr -d ' ')
token=$(printf '%s' "$enrol" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -1)
code=$(python3 -c 'import base64,hmac,hashlib,struct,sys,time
k=base64.b32decode(sys.argv[1]+"="*(-len(sys.argv[1])%8)); h=hmac.new(k,struct.pack(">Q",int(time.time())//30),hashlib.sha1).digest(); o=h[-1]&15
print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$secret")
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Code=$code" "http://127.0.0.1:$port/account/second-factor/enrol"
cookie=$(awk '$6 == "safeuse" { print "safeuse=" $7 }' "$jar")
rows=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$url" | grep -c '<tr class="govuk-table__row">' || true)
echo "register: $url ($((rows - 1)) rows shown)"
for connections in 1 4; do
  echo "wrk, $connections connection(s), 15 s:"
  wrk -t1 -c"$connections" -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$url" | sed -n '/Latency Distribution/,/Requests\/sec/p'
done

# What every signed-in request pays before its page (session, second-factor gate, roles), on a small page, against the
# unauthenticated health check as the floor.
for url in /health /account/sessions; do
  echo "wrk $url, 4 connections, 10 s:"
  wrk -t1 -c4 -d10s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$url" | sed -n '/Latency Distribution/,/Requests\/sec/p'
done
