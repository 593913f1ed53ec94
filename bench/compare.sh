#!/usr/bin/env bash
# compare.sh: mdn against the PyTorch reference (shared/reference/torch_ref.py)
# on the same data, same steps, same machine, in one run, and prints the ratios
# of issue 5. Needs python3-torch and python3-numpy (Debian) for the reference:
#   apt-get install -y python3-torch python3-numpy libopenblas0-pthread
# (without libopenblas0-pthread Debian's torch falls back to the generic reference BLAS and
# runs about 4x slower, which would flatter mdn).
# Usage: bench/compare.sh [SEEDS]   (default 3 seeds for the ex1d timing)
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-3}
TORCH_REF=${TORCH_REF:-../shared/reference/torch_ref.py}
PY=${PY:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/mdn" ./cmd/mdn
mdn="$work/mdn"
json() { $PY -c "import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])" "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "go: $(go version | cut -d' ' -f3)  torch: $($PY -c 'import torch; print(torch.__version__)')"

# 1. The original example: 512 rows, K=3, hidden 50, 2000 full-batch steps, float32.
sed "s#\.\./testdata#$PWD/testdata#" configs/ex_1d_seed.yaml > "$work/seed.yaml"
: > "$work/t_torch"; : > "$work/t_mdn"; : > "$work/t_mdn1"
for s in $(seq 0 $((SEEDS-1))); do
  $PY "$TORCH_REF" --train testdata/ex1d_train.csv --test testdata/ex1d_test.csv --x-cols x --y-cols y \
    --n-components 3 --hidden-dim 50 --n-iterations 2000 --seed "$s" --threads 1 | json train_seconds >> "$work/t_torch"
  "$mdn" train --config "$work/seed.yaml" --out "$work/m$s" --seed "$s" --json 2>/dev/null | json train_seconds >> "$work/t_mdn"
  sed 's/^train:/train:\n  threads: 1/' "$work/seed.yaml" > "$work/seed1.yaml"
  "$mdn" train --config "$work/seed1.yaml" --out "$work/n$s" --seed "$s" --json 2>/dev/null | json train_seconds >> "$work/t_mdn1"
done
tt=$(median < "$work/t_torch"); tm=$(median < "$work/t_mdn"); tm1=$(median < "$work/t_mdn1")
printf 'ex1d 2000 steps, median of %d seeds: torch(1 thread) %.3fs  mdn(all cores) %.3fs  mdn(1 thread) %.3fs\n' "$SEEDS" "$tt" "$tm" "$tm1"
printf '  ratio mdn/torch: %.2f (all cores)  %.2f (1 thread)   target <= 1.0, stretch 0.5\n' \
  "$(echo "$tm / $tt" | bc -l)" "$(echo "$tm1 / $tt" | bc -l)"

# 2. Throughput: 200,000 rows, 8 inputs, 2 outputs, K=5, hidden 128, batch 1024, 2000 steps.
"$mdn" gen bimodal8 --n 200000 --seed 0 --out "$work/big.csv"
cat > "$work/big.yaml" <<YAML
data: {train: $work/big.csv, x: [x1, x2, x3, x4, x5, x6, x7, x8], y: [y1, y2], validation_fraction: 0, standardize: true}
model: {components: 5, hidden: [128, 128], noise: diagonal, sigma: exp, sigma_min: 0}
train: {steps: ${BIG_STEPS:-2000}, batch_size: 1024, lr: 0.005, weight_decay: 0, seed: 0, restore_best: false}
YAML
rt=$($PY "$TORCH_REF" --train "$work/big.csv" --x-cols x1 x2 x3 x4 x5 x6 x7 x8 --y-cols y1 y2 --n-components 5 \
  --hidden-dim 128 --n-iterations "${BIG_STEPS:-2000}" --batch-size 1024 --standardize --seed 0 --threads 1 | json samples_per_second)
/usr/bin/time -v "$mdn" train --config "$work/big.yaml" --out "$work/big" --json 2> "$work/big.time" > "$work/big.json"
ms=$(json train_seconds < "$work/big.json")
rm_=$(echo "${BIG_STEPS:-2000} * 1024 / $ms" | bc -l)
rss=$(awk -F: '/Maximum resident/ {print $2/1024}' "$work/big.time")
printf 'throughput 200k x 8 -> 2, K=5, H=128, batch 1024: torch %.0f rows/s  mdn %.0f rows/s  ratio %.2f (target >= 1.0)\n' "$rt" "$rm_" "$(echo "$rm_ / $rt" | bc -l)"
printf 'peak RSS of mdn train on the 200,000-row CSV: %.0f MB (target < 200 MB)\n' "$rss"

# 3. Inference: mdn sample on 1,000,000 input rows with the ex1d model, CSV in and out.
"$mdn" gen ex1d-uniform --n 1000000 --seed 1 --out "$work/1m.csv"
start=$(date +%s.%N)
"$mdn" sample --model "$work/m0/model.json" --input "$work/1m.csv" --seed 1 --out "$work/1m_samples.csv"
end=$(date +%s.%N)
printf 'mdn sample on 1,000,000 rows: %.2fs end to end (target < 3 s); %d lines written\n' \
  "$(echo "$end - $start" | bc -l)" "$(wc -l < "$work/1m_samples.csv")"
