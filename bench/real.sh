#!/usr/bin/env bash
# real.sh: the real-data protocol of issue 10 on every table of bench/real.py
# (20 random 90/10 splits; held-out NLL in nats per row, original units of y;
# mdn with only the data keys vs scikit-learn's Gaussian process on the same
# splits). Prints each split, each table's mean ± SE and a markdown table.
#
# Usage: bench/real.sh [--set key=value ...]     e.g. --set train.ensemble=1
# Environment:
#   TABLES   tables to run (default: all whose packages are installed)
#   SPLITS   splits per table (default 20)
#   GP_MAX_ROWS  the GP is fitted on a random subset of this many training rows (default 500)
#   MDN_REAL_DATA   where the CSVs are exported (default /tmp/mdn-real)
#   OUT      directory for the per-table JSON results (default $MDN_REAL_DATA/results)
#   GP_CACHE GP results cache (default $MDN_REAL_DATA/gp-cache.json)
# Needs r-base-core, r-cran-mass, python3-sklearn, python3-pandas; optional
# r-cran-modeldata (sacramento, ames) and r-cran-ggplot2 (diamonds).
# The tables are exported from the Debian packages, never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
export MDN_REAL_DATA=${MDN_REAL_DATA:-/tmp/mdn-real}
OUT=${OUT:-$MDN_REAL_DATA/results}
GP_CACHE=${GP_CACHE:-$MDN_REAL_DATA/gp-cache.json}
SPLITS=${SPLITS:-20}
GP_MAX_ROWS=${GP_MAX_ROWS:-500}
PY=/usr/bin/python3
mkdir -p "$OUT"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/mdn" ./cmd/mdn
[ -f "$MDN_REAL_DATA/quakes.csv" ] || $PY bench/real.py export "$MDN_REAL_DATA"
TABLES=${TABLES:-mcycle faithful diabetes quakes sacramento ames diamonds}
files=()
for t in $TABLES; do
  f=$($PY -c "import sys; sys.path.insert(0, 'bench'); import real; print(real.TABLES['$t'][0])")
  if [ ! -f "$MDN_REAL_DATA/$f" ]; then echo "skip $t: $MDN_REAL_DATA/$f missing" >&2; continue; fi
  $PY bench/real.py run --table "$t" --splits "$SPLITS" --mdn "$bin/mdn" --gp-cache "$GP_CACHE" --gp-max-rows "$GP_MAX_ROWS" \
    --json "$OUT/$t.json" "$@"
  files+=("$OUT/$t.json")
done
$PY bench/real.py table --csv "$OUT/splits.csv" "${files[@]}"
