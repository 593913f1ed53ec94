#!/usr/bin/env bash
# serve.sh: load benchmark of `mdn serve` with wrk (Debian: apt-get install -y wrk), on loopback only.
#
# Serves serve/testdata/ex1d.json (the configs/ex_1d.yaml recipe: 1 → 1, K = 5, hidden [64, 64]) on
# 127.0.0.1 (a free port) and runs, for DURATION each, with CONNS connections and THREADS wrk threads:
#   1. single-row POST /v1/predict {"what":"mean"}: requests/s and latency percentiles (p50…p99);
#   2. 1,000-row POST /v1/predict {"what":"mean"}: requests/s × 1000 = rows/s.
# The server and wrk share this machine's cores; wrk waits up to 10 s for an answer (--timeout 10s), so
# a slow answer on a loaded machine counts in the latencies instead of as a socket error. Each run also
# prints the CPU time per request of the server (process_cpu_seconds_total) and of wrk (/usr/bin/time).
# After the runs it reads the server's /metrics and fails if any request got a status other than 200,
# or wrk saw a socket error or a non-2xx response. Then it stops the server with SIGTERM (graceful
# drain; the script fails unless the server exits 0).
#
# Usage: bench/serve.sh   (env: DURATION=10s CONNS=64 THREADS=1 ROWS=1000 WHAT=mean MODEL=… GOMAXPROCS=…)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
ROWS=${ROWS:-1000}
WHAT=${WHAT:-mean}
MODEL=${MODEL:-serve/testdata/ex1d.json}
command -v wrk >/dev/null || { echo "serve.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
work=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/mdn" ./cmd/mdn

# Request bodies: one row; ROWS rows of x uniform in [-10, 10] (seeded, written by awk).
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{"what":"%s","rows":[{"x":1.5}]}]]\n' \
  "$WHAT" >"$work/one.lua"
awk -v n="$ROWS" -v what="$WHAT" 'BEGIN { srand(1); printf "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{\"what\":\"%s\",\"rows\":[", what;
  for (i = 0; i < n; i++) printf "%s{\"x\":%.6f}", (i ? "," : ""), 20 * rand() - 10; print "]}]]" }' >"$work/many.lua"

"$work/mdn" serve --model "$MODEL" --addr 127.0.0.1:0 --max-rows "$((ROWS > 100000 ? ROWS : 100000))" 2>"$work/serve.log" &
srv=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.log")
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
echo "# mdn serve $url, model $MODEL; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shares the cores)"
curl -sf -H 'Content-Type: application/json' -d '{"what":"mean","rows":[{"x":1.5}]}' "$url/v1/predict" >/dev/null

fail=0
srvcpu() { curl -s "$url/metrics" | sed -n 's/^process_cpu_seconds_total //p'; }
# run NAME SCRIPT ROWS_PER_REQUEST: one wrk run; prints wrk's report, rows/s, and the CPU time the
# server (its process_cpu_seconds_total) and wrk (/usr/bin/time) spent per request.
run() {
  echo; echo "## $1 /v1/predict (what=$WHAT), $CONNS connections, $THREADS wrk thread(s), $DURATION"
  local c0; c0=$(srvcpu)
  /usr/bin/time -f '%U %S' -o "$work/wrktime" \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency -s "$2" "$url/v1/predict" >"$work/out"
  local c1; c1=$(srvcpu)
  cat "$work/out"
  if grep -Eq 'Socket errors|Non-2xx' "$work/out"; then fail=1; fi
  local n rps; n=$(awk '/requests in/ { print $1 }' "$work/out"); rps=$(sed -n 's/^Requests\/sec: *//p' "$work/out")
  awk -v r="$rps" -v rows="$3" -v n="$n" -v c0="$c0" -v c1="$c1" -v w="$(cat "$work/wrktime")" 'BEGIN {
    split(w, t, " "); printf "rows/s: %.0f\n", r * rows;
    printf "CPU per request: server %.1f µs, wrk %.1f µs (server CPU %.2f s, wrk %.2f s for %d requests)\n",
      1e6 * (c1 - c0) / n, 1e6 * (t[1] + t[2]) / n, c1 - c0, t[1] + t[2], n }'
}
run 1-row "$work/one.lua" 1
run "$ROWS-row" "$work/many.lua" "$ROWS"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo; echo "## server metrics"
curl -s "$url/metrics" >"$work/metrics"
grep -E '^mdn_serve_(requests_total|errors_total|rows_total)' "$work/metrics" || true
if grep -q '^mdn_serve_errors_total' "$work/metrics"; then echo "serve.sh: the server answered errors" >&2; fail=1; fi
kill -TERM "$srv"; code=0; wait "$srv" || code=$?; srv=
echo "server exit status after SIGTERM: $code"
[ "$fail" = 0 ] && [ "$code" = 0 ]
