#!/usr/bin/python3
"""paired.py BASE.json OTHER.json...: mdn's held-out NLL of each OTHER run of `bench/real.py run --json` against the
BASE run of the same table and splits, paired by split: mean ± SE of OTHER − BASE (negative: OTHER better), the
splits on which OTHER is better, the largest single-split loss, and each run's median training seconds a split
(`mdn train`'s train_seconds, on whatever else the machine was running).

Usage: /usr/bin/python3 bench/paired.py runs/quakes-default.json runs/quakes-e5.json runs/quakes-e3.json
"""
import json
import math
import sys

import numpy as np


def load(path):
    with open(path) as f:
        r = json.load(f)
    return r, np.array(r["mdn"], dtype=float)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[0])
    base, b = load(sys.argv[1])
    S = len(b)
    secs = lambda r: np.median(r["train_seconds"]) if r.get("train_seconds") else float("nan")
    print(f"{base['table']}: {S} splits; base ({' '.join(base['set']) or 'defaults'}) "
          f"{b.mean():.4f} ± {b.std(ddof=1) / math.sqrt(S):.4f}, {secs(base):.2f} s")
    for p in sys.argv[2:]:
        r, v = load(p)
        if r["table"] != base["table"] or r["seed"] != base["seed"] or len(v) != S:
            sys.exit(f"paired.py: {p}: not the splits of {sys.argv[1]} (table, seed or split count differ)")
        d = v - b
        print(f"  {' '.join(r['set']) or 'defaults':40s} {v.mean():.4f}   − base {d.mean():+.4f} ± "
              f"{d.std(ddof=1) / math.sqrt(S):.4f}  better on {int((d < 0).sum())}/{S}  worst {d.max():+.4f}  "
              f"{secs(r):.2f} s")


if __name__ == "__main__":
    main()
