#!/usr/bin/python3
"""pair.py TABLE [LOG]: the per-split NLLs of bench/mimo.py's log (default TABLE.log) against mdn's defaults on the same splits
(TABLE.json of `bench/real.py run --table TABLE --splits 20 --no-gp --json`), paired: mean ± SE of method − mdn
and the splits on which the method is better. Run from the repository's root."""
import json, sys, re, math
import numpy as np
t = sys.argv[1]
log = sys.argv[2] if len(sys.argv) > 2 else f"bench/results/mimo/{t}.log"
mdn = json.load(open(f"bench/results/mimo/mdn/{t}.json"))["mdn"]
rows = [l for l in open(log) if l.startswith("split")]
res = {}
for l in rows:
    for m, v in re.findall(r"(\S+) (-?\d+\.\d+)", l.split(":",1)[1]):
        res.setdefault(m, []).append(float(v))
mdn = np.array(mdn[:len(rows)])
S = len(rows)
print(f"{t}: {S} splits; mdn defaults {mdn.mean():.4f} ± {mdn.std(ddof=1)/math.sqrt(S):.4f}")
for m, v in res.items():
    d = np.array(v) - mdn
    print(f"  {m:16s} {np.mean(v):.4f}   − mdn: {d.mean():+.4f} ± {d.std(ddof=1)/math.sqrt(S):.4f}  (better on {int((d<0).sum())}/{S})")
