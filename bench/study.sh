#!/usr/bin/env bash
# study.sh: the 10-seed study of issue 3 on testdata/ex1d_{train,test}.csv.
# Trains configs/ex_1d_seed.yaml (the original's recipe) and configs/ex_1d.yaml
# (our recommended recipe) with seeds 0..N-1 and prints the test NLL of each
# seed (nats per row, original units) with the median, min and max.
# Usage: bench/study.sh [N]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/mdn" ./cmd/mdn
json() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])" "$1"; }
for recipe in ex_1d_seed ex_1d; do
  : > "$work/nll"
  for s in $(seq 0 $((N-1))); do
    "$work/mdn" train --config "configs/$recipe.yaml" --out "$work/$recipe-$s" --seed "$s" --json 2>/dev/null > "$work/train.json"
    nll=$("$work/mdn" eval --model "$work/$recipe-$s/model.json" --data testdata/ex1d_test.csv --json | json nll)
    secs=$(json train_seconds < "$work/train.json")
    printf '%s seed %d: test NLL %8.4f   (train %.2fs)\n' "$recipe" "$s" "$nll" "$secs"
    echo "$nll" >> "$work/nll"
  done
  sort -g "$work/nll" | awk -v r="$recipe" '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2);
    printf "%s: median %.3f  min %.3f  max %.3f  over %d seeds\n", r, m, a[1], a[NR], NR}'
done
