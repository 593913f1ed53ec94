#!/usr/bin/python3
"""conformal.py: coverage of mdn's calibrated intervals and regions (issue 23).

Protocol: S random splits of a table (split s draws its permutation from
numpy's default_rng(seed + s)): 70% train, 20% calibration, 10% test. On each
split: `mdn train` with a config holding only the data keys (the default
recipe) plus any --set key=value, `mdn calibrate --level L` on the calibration
rows, `mdn eval --json` on the test rows, which reports for each level the
coverage and mean size of the calibrated interval and region and of the
model's own (raw) central interval and highest-density region.

Reported: coverage pooled over the test rows of all splits (sum of covered
rows / sum of test rows), and the mean size over all test rows; the ratio of
the calibrated region's mean length to the calibrated interval's.

  conformal.py run --table faithful [--splits 20] [--set model.noise=fixed ...] [--json out.json]
  conformal.py run --csv testdata/ex1d_train.csv --x x --y y --name ex1d
  conformal.py summary F.json ...     the summary line of saved runs
  conformal.py table F.json ...       markdown rows of saved runs (docs/results.md)

The tables are bench/real.py's (`real.py export DIR` writes them; --data-dir).
Use /usr/bin/python3.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real import TABLES, parse_set, merge  # noqa: E402


def run_split(mdn, work, df, xcols, ycols, tr, ca, te, extra, level):
    paths = {k: os.path.join(work, k + ".csv") for k in ("train", "cal", "test")}
    for k, idx in (("train", tr), ("cal", ca), ("test", te)):
        df.iloc[idx][xcols + ycols].to_csv(paths[k], index=False)
    cfg = merge({"data": {"train": paths["train"], "x": xcols, "y": ycols}}, json.loads(json.dumps(extra)))
    cpath = os.path.join(work, "config.yaml")
    with open(cpath, "w") as f:
        json.dump(cfg, f)
    out = os.path.join(work, "out")
    model = os.path.join(out, "model.json")
    cal = os.path.join(work, "calibrated.json")
    for cmd in ([mdn, "train", "--config", cpath, "--out", out, "--force"],
                [mdn, "calibrate", "--model", model, "--data", paths["cal"], "--out", cal, "--level", str(level)]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd[1]} failed: {r.stderr.strip()}")
    r = subprocess.run([mdn, "eval", "--model", cal, "--data", paths["test"], "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"eval failed: {r.stderr.strip()}")
    ev = json.loads(r.stdout)
    lv = ev["conformal"]["levels"][0]
    return ev["n"], lv


def cmd_run(a):
    if a.table:
        f, xcols, ycols, _ = TABLES[a.table]
        csv, name = os.path.join(a.data_dir, f), a.table
    else:
        csv, xcols, ycols = a.csv, a.x.split(","), a.y.split(",")
        name = a.name or os.path.basename(csv)
    df = pd.read_csv(csv)[xcols + ycols].dropna().reset_index(drop=True)
    n = len(df)
    ntr, nca = int(round(0.7 * n)), int(round(0.2 * n))
    extra = parse_set(a.set or [])
    res = {"table": name, "rows": n, "splits": [], "level": a.level, "set": a.set or []}
    kinds = ("interval", "region", "raw_interval", "raw_region")
    with tempfile.TemporaryDirectory(prefix="conformal-") as work:
        for s in range(a.splits):
            perm = np.random.default_rng(a.seed + s).permutation(n)
            tr, ca, te = np.sort(perm[:ntr]), np.sort(perm[ntr:ntr + nca]), np.sort(perm[ntr + nca:])
            nte, lv = run_split(a.mdn, work, df, xcols, ycols, tr, ca, te, extra, a.level)
            res["splits"].append({"n_test": nte, "n_cal": len(ca), **{k: lv[k] for k in kinds}})
            print(f"{name} split {s:2d}: " + " ".join(
                f"{k} {lv[k]['coverage']:.3f}/{lv[k]['mean_size'] if lv[k]['mean_size'] is not None else float('inf'):.4g}"
                for k in kinds), flush=True)
            if a.json:
                with open(a.json + ".tmp", "w") as fh:
                    json.dump(res, fh, indent=1)
                os.replace(a.json + ".tmp", a.json)
    summarize(res)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=1)


def summarize(res):
    sp = res["splits"]
    ntot = sum(s["n_test"] for s in sp)
    out = {}
    for k in ("interval", "region", "raw_interval", "raw_region"):
        cov = sum(s[k]["coverage"] * s["n_test"] for s in sp) / ntot
        sizes = [s[k]["mean_size"] for s in sp]
        size = float("inf") if any(v is None for v in sizes) else sum(v * s["n_test"] for v, s in zip(sizes, sp)) / ntot
        out[k] = (cov, size)
    res["pooled"] = {k: {"coverage": c, "mean_size": sz} for k, (c, sz) in out.items()}
    # Standard error of the pooled coverage: the std over splits of the
    # per-split coverage / sqrt(splits) (it holds both the calibration and
    # the test draws' randomness).
    se = {}
    for k in out:
        v = np.array([s[k]["coverage"] for s in sp])
        se[k] = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
        res["pooled"][k]["se"] = se[k]
    ncal = sp[0]["n_cal"]
    ratio = out["region"][1] / out["interval"][1]
    res["region_over_interval"] = ratio
    print(f"{res['table']} ({res['rows']} rows, {len(sp)} splits, {ntot} test rows, {ncal} calibration rows, "
          f"level {res['level']}: guarantee [{res['level']}, {res['level'] + 1 / (ncal + 1):.4f}], "
          f"expected k/(n+1) = {math.ceil((ncal + 1) * res['level'] - 1e-9) / (ncal + 1):.4f}, "
          f"set {' '.join(res['set']) or '-'}): " +
          " ".join(f"{k} coverage {c:.4f} ± {se[k]:.4f} size {sz:.4g};" for k, (c, sz) in out.items()) +
          f" region/interval length {ratio:.3f}", flush=True)


def cmd_table(files):
    """A markdown row per saved run: coverage ± se and mean length of the four regions."""
    for f in files:
        res = json.load(open(f))
        summarize(res)
        sp, p = res["splits"], res["pooled"]
        ntest = sum(s["n_test"] for s in sp)
        ncal = sp[0]["n_cal"]
        exp = math.ceil((ncal + 1) * res["level"] - 1e-9) / (ncal + 1)
        cells = [f"{p[k]['coverage']:.3f} ± {p[k]['se']:.3f} ({p[k]['mean_size']:.4g})"
                 for k in ("interval", "region", "raw_interval", "raw_region")]
        print(f"| {res['table']} ({len(sp)} splits) | {res['rows']} ({ntest} / {ncal}) | {exp:.3f} | " +
              " | ".join(cells) + f" | {res['region_over_interval']:.3f} |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--table", choices=sorted(TABLES))
    r.add_argument("--csv")
    r.add_argument("--x")
    r.add_argument("--y")
    r.add_argument("--name")
    r.add_argument("--data-dir", default="/tmp/real-tables")
    r.add_argument("--mdn", default="mdn")
    r.add_argument("--splits", type=int, default=20)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--level", type=float, default=0.9)
    r.add_argument("--set", action="append")
    r.add_argument("--json")
    t = sub.add_parser("summary")
    t.add_argument("files", nargs="+")
    t2 = sub.add_parser("table")
    t2.add_argument("files", nargs="+")
    a = p.parse_args()
    if a.cmd == "run":
        if not a.table and not (a.csv and a.x and a.y):
            p.error("run needs --table or --csv, --x and --y")
        cmd_run(a)
    elif a.cmd == "table":
        cmd_table(a.files)
    else:
        for f in a.files:
            summarize(json.load(open(f)))


if __name__ == "__main__":
    main()
