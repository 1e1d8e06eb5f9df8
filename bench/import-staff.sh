#!/usr/bin/env bash
# Times `safeuse import staff` on a generated 10,000-row MIS-style CSV into a fresh SQLite database, then a
# re-import of the same file (which must change nothing). Usage: bench/import-staff.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build src/SafeUse -c Release -v q -nologo >/dev/null
app="dotnet src/SafeUse/bin/Release/net10.0/safeuse.dll"
{
  echo "Legal Surname,Preferred Forename,Work Email,Staff Code,Employment Type,Start Date,Job Title"
  for i in $(seq 1 "$rows"); do
    printf 'Surname%d,Given%d,person%d@bench.sch.uk,B%05d,%s,01/09/20%02d,Teacher\n' "$i" "$i" "$i" "$i" "$([ $((i % 7)) -eq 0 ] && echo Temporary || echo Permanent)" $((i % 25))
  done
} > "$work/staff.csv"
$app admin create --data-dir "$work/data" --trust "Bench Trust" --school "Bench School" --urn 999999 \
  --given-name Bench --family-name Admin --email bench.admin@bench.sch.uk --password "copper meadow lantern nine" >/dev/null
echo "rows: $rows"
for run in first re-import; do
  start=$(date +%s.%N)
  $app import staff "$work/staff.csv" --school 999999 --data-dir "$work/data" | tail -1
  end=$(date +%s.%N)
  printf '%s import: %.2f s (whole process, including start-up)\n' "$run" "$(echo "$end - $start" | bc)"
done
