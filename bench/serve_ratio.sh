#!/usr/bin/env bash
# serve_ratio.sh: single-row requests/s of `mdn serve` against a bare net/http + encoding/json server
# (bench/bareserve) that decodes the same request and answers a JSON of the same size without a model.
#
# For ROUNDS rounds, interleaved (bare, then each model with each mdn binary, then bare again, …), it
# starts one server on 127.0.0.1, checks that it answers the request with a body of the bare server's
# size, loads it with wrk (THREADS threads, CONNS keep-alive connections, DURATION) with one-row
# POST /v1/predict {"what":"mean"}, and stops it. It prints per run the requests/s, the server's CPU
# time per request (utime + stime of /proc/PID/stat), and at the end each server's median requests/s
# and its ratio to the bare server's, and its median CPU per request and the bare server's median
# divided by it. wrk and the servers share this machine's cores.
#
# Usage: bench/serve_ratio.sh MODEL.json...
#   env: ROUNDS=3 DURATION=5s CONNS=64 THREADS=1
#        BINS="path/to/mdn ..." (default: built from this checkout)
#        ROW='{"x1":0.1,…}' (default: 0.1 for every covariate of the first model)
#        GODEBUG=cpu.avx512f=off (passed to the servers: the AVX2 tier)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/serve_ratio.sh MODEL.json..." >&2; exit 2; }
models=()
for m in "$@"; do models+=("$(realpath "$m")"); done
set -- "${models[@]}"
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
command -v wrk >/dev/null || { echo "serve_ratio.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
work=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/bareserve" ./bench/bareserve
if [ -z "${BINS:-}" ]; then
  go build -o "$work/mdn" ./cmd/mdn
  BINS="$work/mdn"
fi
first=$(echo $BINS | cut -d' ' -f1)
ROW=${ROW:-$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(json.dumps({n: 0.1 for n in m["x_names"]}, separators=(",", ":")))' "$1")}
body="{\"what\":\"mean\",\"rows\":[$ROW]}"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$body" >"$work/one.lua"

tck=$(getconf CLK_TCK)
echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no), GODEBUG=${GODEBUG:-}"
echo "# request: $body"

# start NAME CMD...: starts a server, waits for "listening on", sets url and srv.
start() {
  local name=$1; shift
  : >"$work/log" # here, not only in the child: else the loop below can read the last server's line
  "$@" 2>"$work/log" &
  srv=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$work/log" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$work/log")
  [ -n "$url" ] || { cat "$work/log" >&2; exit 1; }
}
stop() { kill -TERM "$srv"; wait "$srv" 2>/dev/null || true; srv=; }
cpu() { awk -v t="$tck" '{ print ($14 + $15) / t }' "/proc/$srv/stat"; }

# ymeans MODEL: the model's mean answer as name=value,… for the bare server.
ymeans() {
  start probe "$first" serve --model "$1" --addr 127.0.0.1:0
  curl -sf -H 'Content-Type: application/json' -d "$body" "$url/v1/predict" >"$work/ans"
  stop
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]["mean"]; print(",".join("%s=%r" % kv for kv in r.items()))' "$work/ans"
}
yarg=$(ymeans "$1")

declare -A rps cpus
run() { # NAME CMD...
  local name=$1; shift
  start "$name" "$@"
  local size= try
  for try in 1 2 3 4 5; do # a loaded machine can be slow to answer the first request
    size=$(curl -sf -o /dev/null -w '%{size_download}' -H 'Content-Type: application/json' -d "$body" "$url/v1/predict") && break
    sleep 1
  done
  [ -n "$size" ] || { echo "serve_ratio.sh: $name: no answer from $url" >&2; cat "$work/log" >&2; exit 1; }
  local c0; c0=$(cpu)
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s "$work/one.lua" "$url/v1/predict" >"$work/out"
  local c1; c1=$(cpu)
  stop
  if grep -Eq 'Socket errors|Non-2xx' "$work/out"; then echo "serve_ratio.sh: $name: errors" >&2; cat "$work/out" >&2; exit 1; fi
  local n r; n=$(awk '/requests in/ { print $1 }' "$work/out"); r=$(sed -n 's/^Requests\/sec: *//p' "$work/out")
  local us; us=$(echo "1000000 * ($c1 - $c0) / $n" | bc -l)
  rps[$name]="${rps[$name]:-} $r"
  cpus[$name]="${cpus[$name]:-} $us"
  printf '%-40s %10.0f req/s  server CPU %6.1f µs/request  answer %d bytes  load %s\n' "$name" "$r" "$us" "$size" "$(cut -d' ' -f1 /proc/loadavg)"
}
for round in $(seq "$ROUNDS"); do
  echo "## round $round"
  run bare "$work/bareserve" --addr 127.0.0.1:0 --y "$yarg"
  for b in $BINS; do
    for m in "$@"; do
      run "$(basename "$b") $(basename "$(dirname "$m")")/$(basename "$m")" "$b" serve --model "$m" --addr 127.0.0.1:0
    done
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "## medians of $ROUNDS rounds"
# The ratio in CPU per request (bare ÷ server) is the steadier figure on a
# shared machine, and the only one when wrk, not the server, bounds req/s.
bare=$(echo "${rps[bare]}" | median)
barecpu=$(echo "${cpus[bare]}" | median)
for name in bare $(for b in $BINS; do for m in "$@"; do echo "$(basename "$b")|$(basename "$(dirname "$m")")/$(basename "$m")"; done; done); do
  name=${name/|/ }
  med=$(echo "${rps[$name]}" | median)
  cpu=$(echo "${cpus[$name]}" | median)
  printf '%-40s %10.0f req/s  ratio to bare %.3f   %6.1f µs CPU/request  bare ÷ this in CPU %.3f\n' \
    "$name" "$med" "$(echo "$med / $bare" | bc -l)" "$cpu" "$(echo "$barecpu / $cpu" | bc -l)"
done
