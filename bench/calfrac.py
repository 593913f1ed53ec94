#!/usr/bin/python3
"""calfrac.py: what holding calibration rows out of training costs (issue 23).

Protocol: real.py's S random 90/10 train/test splits of a table (split s
draws its permutation from numpy's default_rng(seed + s)). On each split,
`mdn train` twice on the same 90%, with a config holding only the data keys
(the default recipe) plus any --set key=value:

  all  as it is: every training row trains or validates;
  cal  with data.calibration_fraction F (default 0.2): F of the rows are
       held out, and mdn train calibrates the model on them.

`mdn eval --json` on the 10% test rows gives each model's NLL (nats per
row, original units of y) and, for cal, the coverage and mean size of the
calibrated interval and region at --level (default 0.9).

Reported: the mean test NLL of both, the paired difference cal − all
(mean ± standard error: std over splits / sqrt(S), and on how many splits
cal is worse), and the coverage pooled over the test rows of all splits
± standard error (std over splits of the per-split coverage / sqrt(S)).

  calfrac.py run --table faithful [--splits 20] [--seed 0] [--fraction 0.2] [--json out.json]
  calfrac.py summary F.json ...   runs of one table (say --seed 0 and --seed 20) are joined
  calfrac.py csv F.json ...       the per-split rows as CSV (docs/results-calfrac.csv)

The tables are bench/real.py's (`real.py export DIR` writes them; --data-dir).
Use /usr/bin/python3.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real import TABLES, parse_set, merge  # noqa: E402


def train_eval(mdn, work, name, train_csv, test_csv, xcols, ycols, extra):
    cfg = merge({"data": {"train": train_csv, "x": xcols, "y": ycols}}, json.loads(json.dumps(extra)))
    cpath = os.path.join(work, name + ".yaml")
    with open(cpath, "w") as f:
        json.dump(cfg, f)
    out = os.path.join(work, name)
    r = subprocess.run([mdn, "train", "--config", cpath, "--out", out, "--force", "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"train {name} failed: {r.stderr.strip()}")
    rep = json.loads(r.stdout)
    r = subprocess.run([mdn, "eval", "--model", os.path.join(out, "model.json"), "--data", test_csv, "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"eval {name} failed: {r.stderr.strip()}")
    return rep, json.loads(r.stdout)


def cmd_run(a):
    f, xcols, ycols, _ = TABLES[a.table]
    df = pd.read_csv(os.path.join(a.data_dir, f))[xcols + ycols].dropna().reset_index(drop=True)
    n = len(df)
    ntest = int(round(0.1 * n))
    extra = parse_set(a.set or [])
    cal_extra = merge(json.loads(json.dumps(extra)), {"data": {"calibration_fraction": a.fraction,
                                                                "calibration_levels": [a.level]}})
    res = {"table": a.table, "rows": n, "seed": a.seed, "fraction": a.fraction, "level": a.level, "set": a.set or [],
           "splits": []}
    with tempfile.TemporaryDirectory(prefix="calfrac-") as work:
        for s in range(a.splits):
            perm = np.random.default_rng(a.seed + s).permutation(n)
            te, tr = np.sort(perm[:ntest]), np.sort(perm[ntest:])
            train_csv, test_csv = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
            df.iloc[tr].to_csv(train_csv, index=False)
            df.iloc[te].to_csv(test_csv, index=False)
            _, ev_all = train_eval(a.mdn, work, "all", train_csv, test_csv, xcols, ycols, extra)
            rep, ev_cal = train_eval(a.mdn, work, "cal", train_csv, test_csv, xcols, ycols, cal_extra)
            lv = ev_cal["conformal"]["levels"][0]
            sp = {"n_test": ev_all["n"], "n_cal": rep["calibration_rows"], "nll_all": ev_all["nll"],
                  "nll_cal": ev_cal["nll"], "interval": lv["interval"], "region": lv["region"]}
            res["splits"].append(sp)
            print(f"{a.table} split {a.seed + s:2d}: nll all {sp['nll_all']:.4f} cal {sp['nll_cal']:.4f} "
                  f"(diff {sp['nll_cal'] - sp['nll_all']:+.4f}); {sp['n_cal']} calibration rows; "
                  f"coverage interval {lv['interval']['coverage']:.3f} region {lv['region']['coverage']:.3f}", flush=True)
            if a.json:
                with open(a.json + ".tmp", "w") as fh:
                    json.dump(res, fh, indent=1)
                os.replace(a.json + ".tmp", a.json)
    summarize(res)


def summarize(res):
    sp = res["splits"]
    S = len(sp)
    all_ = np.array([s["nll_all"] for s in sp])
    cal = np.array([s["nll_cal"] for s in sp])
    d = cal - all_
    se = lambda v: float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
    ntot = sum(s["n_test"] for s in sp)
    cov = {}
    for k in ("interval", "region"):
        per = np.array([s[k]["coverage"] for s in sp])
        pooled = sum(s[k]["coverage"] * s["n_test"] for s in sp) / ntot
        cov[k] = (pooled, se(per))
    print(f"{res['table']} ({res['rows']} rows, {S} splits, {ntot} test rows, calibration_fraction {res['fraction']}, "
          f"{sp[0]['n_cal']} calibration rows, set {' '.join(res['set']) or '-'}): "
          f"NLL all {all_.mean():.4f} ± {se(all_):.4f}, cal {cal.mean():.4f} ± {se(cal):.4f}, "
          f"cal − all {d.mean():+.4f} ± {se(d):.4f} (cal worse on {int((d > 0).sum())}/{S}); "
          f"coverage at {res['level']}: interval {cov['interval'][0]:.3f} ± {cov['interval'][1]:.3f}, "
          f"region {cov['region'][0]:.3f} ± {cov['region'][1]:.3f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--table", choices=sorted(TABLES), required=True)
    r.add_argument("--data-dir", default="/tmp/real-tables")
    r.add_argument("--mdn", default="mdn")
    r.add_argument("--splits", type=int, default=20)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--fraction", type=float, default=0.2)
    r.add_argument("--level", type=float, default=0.9)
    r.add_argument("--set", action="append")
    r.add_argument("--json")
    for name in ("summary", "csv"):
        t = sub.add_parser(name)
        t.add_argument("files", nargs="+")
    a = p.parse_args()
    if a.cmd == "run":
        cmd_run(a)
    elif a.cmd == "summary":
        for res in joined(a.files):
            summarize(res)
    else:
        # split s is the one of default_rng(s): seed + i for the i-th of a run.
        print("table,split,n_test,n_cal,nll_all,nll_cal,interval_coverage,region_coverage")
        for f in a.files:
            res = json.load(open(f))
            for i, sp in enumerate(res["splits"]):
                print(f"{res['table']},{res.get('seed', 0) + i},{sp['n_test']},{sp['n_cal']},{sp['nll_all']:.6g},"
                      f"{sp['nll_cal']:.6g},{sp['interval']['coverage']:.6g},{sp['region']['coverage']:.6g}")


def joined(files):
    """The runs of files, those of one table (same fraction and level) joined into one, in order."""
    out = {}
    for f in files:
        res = json.load(open(f))
        key = (res["table"], res["fraction"], res["level"], tuple(res["set"]))
        if key in out:
            out[key]["splits"] += res["splits"]
        else:
            out[key] = res
    return list(out.values())


if __name__ == "__main__":
    main()
