#!/usr/bin/python3
"""real.py: held-out NLL of mdn and of a Gaussian process on real tables.

The protocol of Hernandez-Lobato & Adams (2015): S random 90/10 train/test
splits of a table (split s draws its permutation from numpy's
default_rng(seed + s)); on each split, train `mdn train` with a config that
holds only the data keys (plus any --set key=value), score the test rows with
`mdn eval --json`, and fit scikit-learn's GaussianProcessRegressor on the same
rows. NLL is the mean negative log-likelihood per test row, in nats, in the
original units of y (2*pi constant included). Results: per-split values and
mean +- standard error (std over splits / sqrt(S)).

The GP baseline: x and y standardized with the training rows' mean and std,
kernel ConstantKernel * RBF(ARD, one length scale per covariate) +
WhiteKernel, hyperparameters by maximum marginal likelihood with
n_restarts_optimizer restarts (L-BFGS-B, sklearn's default; 2 restarts, 0 when
the GP is fitted on a subset), predictive
N(mu, sd^2) with the white noise included in sd; its NLL is mapped back to
original units by adding log std_y. One GP per response column (the NLLs
add). On a table with more than --gp-max-rows (1000) training rows the GP is
fitted on a random subset of that many (exact GPs are O(n^3), and this machine
is shared); the report says so.

Subcommands:
  export DIR                      write the tables of TABLES as CSV into DIR
                                  (from R's datasets/MASS/modeldata/ggplot2
                                  and sklearn's bundled diabetes)
  run --table NAME | --csv F --x a,b --y c   run the protocol
  table FILE.json ...             a markdown table of saved runs

Use /usr/bin/python3 (the Debian python with python3-sklearn).
"""

import argparse
import warnings
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore", module="sklearn")

# The tables: name -> (csv file, x columns, y columns, where it comes from).
# Never add the Boston housing or the Concrete compressive-strength tables:
# they are the held-out check of issue 10.
TABLES = {
    "mcycle": ("mcycle.csv", ["times"], ["accel"], "R MASS::mcycle, 133 rows"),
    "faithful": ("faithful.csv", ["waiting"], ["eruptions"], "R datasets::faithful, 272 rows"),
    "diabetes": ("diabetes.csv", ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"], ["target"],
                 "scikit-learn load_diabetes(scaled=False), 442 rows"),
    "quakes": ("quakes.csv", ["lat", "long", "depth"], ["mag"], "R datasets::quakes, 1000 rows"),
    "sacramento": ("sacramento.csv", ["beds", "baths", "sqft", "latitude", "longitude"], ["log_price"],
                   "R modeldata::Sacramento, 932 rows, log(price)"),
    "ames": ("ames.csv", ["Lot_Area", "Year_Built", "Year_Remod_Add", "Gr_Liv_Area", "Total_Bsmt_SF",
                          "Garage_Area", "Full_Bath", "TotRms_AbvGrd", "Fireplaces", "Longitude", "Latitude"],
             ["log_price"], "R modeldata::ames, 2930 rows, log(Sale_Price)"),
    "diamonds": ("diamonds.csv", ["carat", "depth", "table", "x", "y", "z"], ["log_price"],
                 "R ggplot2::diamonds, 53940 rows, log(price)"),
}

R_EXPORT = r"""
args <- commandArgs(trailingOnly = TRUE); dir <- args[1]
w <- function(d, f) write.csv(d, file.path(dir, f), row.names = FALSE)
w(MASS::mcycle, "mcycle.csv")
w(datasets::faithful, "faithful.csv")
w(datasets::quakes, "quakes.csv")
if (requireNamespace("modeldata", quietly = TRUE)) {
  e <- new.env()
  data("Sacramento", package = "modeldata", envir = e)
  s <- as.data.frame(e$Sacramento)
  w(data.frame(beds = s$beds, baths = s$baths, sqft = s$sqft, latitude = s$latitude,
               longitude = s$longitude, log_price = log(s$price)), "sacramento.csv")
  data("ames", package = "modeldata", envir = e)
  a <- as.data.frame(e$ames)
  cols <- c("Lot_Area", "Year_Built", "Year_Remod_Add", "Gr_Liv_Area", "Total_Bsmt_SF",
            "Garage_Area", "Full_Bath", "TotRms_AbvGrd", "Fireplaces", "Longitude", "Latitude")
  a2 <- a[, cols]; a2$log_price <- log(a$Sale_Price)
  w(a2, "ames.csv")
}
if (requireNamespace("ggplot2", quietly = TRUE)) {
  d <- as.data.frame(ggplot2::diamonds)
  w(data.frame(carat = d$carat, depth = d$depth, table = d$table, x = d$x, y = d$y, z = d$z,
               log_price = log(d$price)), "diamonds.csv")
}
"""


def export(dirname):
    os.makedirs(dirname, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as f:
        f.write(R_EXPORT)
    try:
        subprocess.run(["Rscript", f.name, dirname], check=True)
    finally:
        os.unlink(f.name)
    from sklearn.datasets import load_diabetes
    d = load_diabetes(scaled=False, as_frame=True).frame
    d.to_csv(os.path.join(dirname, "diabetes.csv"), index=False)
    for name, (f, _, _, _) in TABLES.items():
        p = os.path.join(dirname, f)
        print(f"{name}: {p} {'ok' if os.path.exists(p) else 'MISSING (package not installed)'}")


def splits(n, count, seed):
    """Yields (train index, test index) of count 90/10 splits of n rows."""
    ntest = max(1, int(round(0.1 * n)))
    for s in range(count):
        perm = np.random.default_rng(seed + s).permutation(n)
        yield np.sort(perm[ntest:]), np.sort(perm[:ntest])


def gp_nll(xtr, ytr, xte, yte, restarts, max_rows, seed):
    """Mean test NLL (original units) of the GP baseline, summed over y columns."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    if len(xtr) > max_rows:
        idx = np.random.default_rng(seed).choice(len(xtr), max_rows, replace=False)
        xtr, ytr = xtr[idx], ytr[idx]
    xm, xs = xtr.mean(0), xtr.std(0)
    xs[xs == 0] = 1
    a, b = (xtr - xm) / xs, (xte - xm) / xs
    total = np.zeros(len(xte))
    for j in range(ytr.shape[1]):
        ym, ys = ytr[:, j].mean(), ytr[:, j].std()
        if ys == 0:
            ys = 1.0
        t = (ytr[:, j] - ym) / ys
        k = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.ones(a.shape[1]), (1e-2, 1e3)) + \
            WhiteKernel(0.1, (1e-6, 1e1))
        gp = GaussianProcessRegressor(k, n_restarts_optimizer=restarts, random_state=seed)
        gp.fit(a, t)
        mu, sd = gp.predict(b, return_std=True)
        z = (yte[:, j] - ym) / ys
        total += 0.5 * np.log(2 * np.pi * sd ** 2) + 0.5 * ((z - mu) / sd) ** 2 + math.log(ys)
    return float(total.mean())


def parse_set(items):
    """--set a.b=v ... as a nested dict; v is parsed as YAML (numbers, lists)."""
    import yaml
    out = {}
    for it in items:
        k, _, v = it.partition("=")
        d = out
        parts = k.split(".")
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = yaml.safe_load(v)
    return out


def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v
    return a


def run_mdn(mdn, work, df, xcols, ycols, tr, te, extra, seed):
    dtr, dte = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
    df.iloc[tr][xcols + ycols].to_csv(dtr, index=False)
    df.iloc[te][xcols + ycols].to_csv(dte, index=False)
    cfg = merge({"data": {"train": dtr, "x": xcols, "y": ycols}}, json.loads(json.dumps(extra)))
    cpath = os.path.join(work, "config.yaml")
    with open(cpath, "w") as f:
        json.dump(cfg, f)  # JSON is YAML
    out = os.path.join(work, "out")
    cmd = [mdn, "train", "--config", cpath, "--out", out, "--force", "--json"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        raise RuntimeError(f"mdn train failed: {r.stderr.strip()}")
    rep = json.loads(r.stdout.strip().splitlines()[-1])
    r = subprocess.run([mdn, "eval", "--model", os.path.join(out, "model.json"), "--data", dte, "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"mdn eval failed: {r.stderr.strip()}")
    ev = json.loads(r.stdout)
    noise = rep.get("noise_scale")
    if "noise_members" in rep:  # networks trained with noise / all networks
        noise = f"{rep.get('noise_scale')} on {rep['noise_members']}/{rep['members']}"
    return ev["nll"], rep.get("train_seconds", float("nan")), wall, noise


def mean_se(v):
    v = np.asarray(v, float)
    if len(v) < 2:
        return float(v.mean()), float("nan")
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def cmd_run(a):
    if a.table:
        f, xcols, ycols, src = TABLES[a.table]
        csv = os.path.join(a.data_dir, f)
        name = a.table
    else:
        csv, xcols, ycols, src = a.csv, a.x.split(","), a.y.split(","), a.csv
        name = a.name or os.path.basename(csv)
    df = pd.read_csv(csv)
    df = df[xcols + ycols].dropna().reset_index(drop=True)
    X, Y = df[xcols].to_numpy(float), df[ycols].to_numpy(float)
    extra = parse_set(a.set or [])
    cache = {}
    if a.gp_cache and os.path.exists(a.gp_cache):
        with open(a.gp_cache) as fh:
            cache = json.load(fh)
    ntrain = len(df) - max(1, int(round(0.1 * len(df))))
    if a.gp_restarts is None:
        a.gp_restarts = 2 if ntrain <= a.gp_max_rows else 0
    gp_key = f"{name}|n={len(df)}|seed={a.seed}|restarts={a.gp_restarts}|max={min(a.gp_max_rows, ntrain)}"
    gp_vals = cache.get(gp_key, {})
    res = {"table": name, "source": src, "rows": len(df), "x": xcols, "y": ycols, "splits": a.splits,
           "seed": a.seed, "set": a.set or [], "mdn": [], "gp": [], "train_seconds": [], "wall_seconds": [], "noise_scale": [],
           "gp_max_rows": a.gp_max_rows, "gp_restarts": a.gp_restarts}
    with tempfile.TemporaryDirectory(prefix="real-") as work:
        for s, (tr, te) in enumerate(splits(len(df), a.splits, a.seed)):
            line = f"{name} split {s:2d}:"
            if not a.no_mdn:
                nll, secs, wall, noise = run_mdn(a.mdn, work, df, xcols, ycols, tr, te, extra, a.mdn_seed)
                res["mdn"].append(nll)
                res["train_seconds"].append(secs)
                res["wall_seconds"].append(wall)
                res["noise_scale"].append(noise)
                line += f" mdn {nll:8.4f} ({secs:5.1f}s, noise {noise})"
            if not a.no_gp:
                if str(s) not in gp_vals:
                    gp_vals[str(s)] = gp_nll(X[tr], Y[tr], X[te], Y[te], a.gp_restarts, a.gp_max_rows, a.seed + s)
                    if a.gp_cache:
                        cache[gp_key] = gp_vals
                        tmp = a.gp_cache + ".tmp"
                        with open(tmp, "w") as fh:
                            json.dump(cache, fh)
                        os.replace(tmp, a.gp_cache)
                res["gp"].append(gp_vals[str(s)])
                line += f" gp {gp_vals[str(s)]:8.4f}"
            print(line, flush=True)
            if a.json:  # partial results survive an interrupted run
                with open(a.json + ".tmp", "w") as fh:
                    json.dump(res, fh, indent=1)
                os.replace(a.json + ".tmp", a.json)
    summary = f"{name} ({len(df)} rows, {a.splits} splits, set {' '.join(a.set or []) or '-'}):"
    for k in ("mdn", "gp"):
        if res[k]:
            m, se = mean_se(res[k])
            res[k + "_mean"], res[k + "_se"] = m, se
            summary += f" {k} {m:.4f} ± {se:.4f}"
    if res["mdn"] and res["gp"]:
        d = np.array(res["mdn"]) - np.array(res["gp"])
        m, se = mean_se(d)
        res["diff_mean"], res["diff_se"] = m, se
        res["mdn_wins"] = int((d < 0).sum())
        summary += f"  mdn−gp {m:+.4f} ± {se:.4f} (mdn better on {res['mdn_wins']}/{len(d)})"
    if res["train_seconds"]:
        summary += f"  train {np.median(res['train_seconds']):.1f}s median"
    print(summary, flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=1)


def cmd_table(a):
    rows = [json.load(open(f)) for f in a.files]
    for r in rows:  # a run cut short: the splits it finished
        n = min(len(r["mdn"]), len(r["gp"]))
        r["mdn"], r["gp"], r["train_seconds"], r["splits"] = r["mdn"][:n], r["gp"][:n], r["train_seconds"][:n], n
        r["mdn_mean"], r["mdn_se"] = mean_se(r["mdn"])
        r["gp_mean"], r["gp_se"] = mean_se(r["gp"])
        r["diff_mean"], r["diff_se"] = mean_se(np.array(r["mdn"]) - np.array(r["gp"]))
        r["mdn_wins"] = int((np.array(r["mdn"]) < np.array(r["gp"])).sum())
    print("| table | rows | x → y | mdn NLL | GP NLL | mdn − GP | mdn better | train s (median) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        gpnote = f" (GP on {r['gp_max_rows']} rows)" if r["rows"] - round(0.1 * r["rows"]) > r["gp_max_rows"] else ""
        print(f"| {r['table']} | {r['rows']} | {len(r['x'])} → {len(r['y'])} | "
              f"{r['mdn_mean']:.3f} ± {r['mdn_se']:.3f} | {r['gp_mean']:.3f} ± {r['gp_se']:.3f}{gpnote} | "
              f"{r['diff_mean']:+.3f} ± {r['diff_se']:.3f} | {r['mdn_wins']}/{r['splits']} | "
              f"{np.median(r['train_seconds']):.1f} |")
    if a.csv:
        with open(a.csv, "w") as fh:
            fh.write("table,split,mdn_nll,gp_nll,mdn_train_seconds\n")
            for r in rows:
                for s, (m, g, t) in enumerate(zip(r["mdn"], r["gp"], r["train_seconds"])):
                    fh.write(f"{r['table']},{s},{m:.6f},{g:.6f},{t:.3f}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("dir")
    r = sub.add_parser("run")
    r.add_argument("--table", choices=sorted(TABLES))
    r.add_argument("--data-dir", default=os.environ.get("MDN_REAL_DATA", "/tmp/mdn-real"))
    r.add_argument("--csv")
    r.add_argument("--x")
    r.add_argument("--y")
    r.add_argument("--name")
    r.add_argument("--splits", type=int, default=20)
    r.add_argument("--seed", type=int, default=0, help="split s uses default_rng(seed + s)")
    r.add_argument("--mdn", default="mdn", help="the mdn binary")
    r.add_argument("--mdn-seed", type=int, help="pass --seed to mdn train (default: the config's)")
    r.add_argument("--set", action="append", help="extra config key=value, e.g. train.steps=1000")
    r.add_argument("--no-gp", action="store_true")
    r.add_argument("--no-mdn", action="store_true")
    r.add_argument("--gp-restarts", type=int, help="optimizer restarts (default 2, 0 on a subset)")
    r.add_argument("--gp-max-rows", type=int, default=1000)
    r.add_argument("--gp-cache", help="JSON file caching GP results across runs")
    r.add_argument("--json", help="write the run's results here")
    t = sub.add_parser("table")
    t.add_argument("files", nargs="+")
    t.add_argument("--csv", help="also write per-split values to this CSV")
    a = p.parse_args()
    if a.cmd == "export":
        export(a.dir)
    elif a.cmd == "run":
        if not a.table and not (a.csv and a.x and a.y):
            p.error("run: give --table, or --csv with --x and --y")
        cmd_run(a)
    else:
        cmd_table(a)


if __name__ == "__main__":
    main()
