#!/usr/bin/env bash
# memory.sh: the peak memory of mdn train with the defaults on a bimodal8 table (8 -> 2, 10 columns) of N
# rows, as issue 24 measures it ("10 million rows x 10 columns train within 1 GB"): generates the CSV,
# trains with the data keys only and prints the machine, the plan line, the peak RSS (/usr/bin/time -v,
# in kB and in 10^9 bytes), the CPU and wall time and the validation NLL.
#
# Usage: bench/memory.sh [N]     (default 10000000; the CSV takes about 196 bytes a row, in TMPDIR)
#   STEPS=300 shortens the run to that many steps (train.steps; a full run of 10M rows is 87,891 steps of
#   2,048 rows on two networks, about 20 minutes of CPU). MDN=path uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mdn=${MDN:-}
if [ -z "$mdn" ]; then
  go build -o "$work/mdn" ./cmd/mdn
  mdn=$work/mdn
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "flags: $(grep -m1 -o -w -E 'avx512f|avx2|fma' /proc/cpuinfo | sort -u | xargs)${GODEBUG:+, GODEBUG=$GODEBUG}," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
"$mdn" gen bimodal8 --n "$N" --seed 11 --out "$work/d.csv"
{
  echo "data: {train: d.csv, x: [x1, x2, x3, x4, x5, x6, x7, x8], y: [y1, y2]}"
  [ -n "${STEPS:-}" ] && echo "train: {steps: $STEPS}"
} > "$work/c.yaml"
echo "bimodal8: $N rows, $(du -m "$work/d.csv" | cut -f1) MB of CSV${STEPS:+, train.steps $STEPS}"
/usr/bin/time -v "$mdn" train --config "$work/c.yaml" --out "$work/out" --json 2> "$work/err" > "$work/train.json" || {
  cat "$work/err" >&2
  exit 1
}
grep '^train: ' "$work/err" || true
rss=$(awk -F: '/Maximum resident/ {print $2+0}' "$work/err")
user=$(awk -F: '/User time/ {print $2+0}' "$work/err")
sys=$(awk -F: '/System time/ {print $2+0}' "$work/err")
wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$work/err")
nll=$(python3 -c "import json,sys; print('%.4f' % json.load(sys.stdin)['val_nll'])" < "$work/train.json" 2>/dev/null || echo '?')
awk -v rss="$rss" -v u="$user" -v s="$sys" -v wall="$wall" -v nll="$nll" 'BEGIN {
  printf "peak RSS %d kB = %.3f GB (10^9 bytes); CPU %.1f s (user %.1f, sys %.1f); wall %s; validation NLL %s\n",
    rss, rss * 1024 / 1e9, u + s, u, s, wall, nll }'
