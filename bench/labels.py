#!/usr/bin/python3
"""Held-out NLL of mdn on tables with label columns and missing cells,
against a Gaussian linear regression on one-hot labels with mean-imputed
numbers and a Gaussian process on the same encoding, on the same splits.

Protocol: for each table, `--splits` random 90/10 splits of its rows (seed =
split index); rows whose response is missing are left out of the test part
(mdn leaves them out of training itself, the baselines too). mdn is trained
with its defaults plus data.categorical (the table's label columns) and
data.missing: impute, via `mdn train` and scored with `mdn eval --json`.
The baselines see one-hot labels (levels of the training part; an unseen
level is all zeros, as mdn's unknown_level: zero) and numbers with missing
cells replaced by the training mean:

  linear  ordinary least squares with an intercept, Gaussian noise with the
          maximum-likelihood variance of the training residuals;
  gp      scikit-learn GaussianProcessRegressor, ARD RBF + white noise on
          standardized inputs and response (the project's GP baseline).

NLL is per test row, in nats, in the original units of the response; the
table prints mean ± standard error over the splits and how many splits mdn
beats linear. Tables: R's datasets::airquality, MASS::Cars93, MASS::UScereal,
MASS::birthwt and carData::Prestige (exported with Rscript at run time; not
shipped), and the synthetic penguins of `mdn gen penguins`.

Usage: bench/labels.py [--mdn PATH] [--splits 20] [--tables a,b] [--no-gp] [--extra JSON]
(run with /usr/bin/python3, which has numpy and scikit-learn).
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

NA = {"", "NA", "N/A", "NaN", "nan", "null"}

# name: (R expression or "gen", response, numeric covariates, label covariates)
TABLES = {
    "airquality": ("airquality", "Ozone", ["Solar.R", "Wind", "Temp", "Day"], ["Month"]),
    "Cars93": ("MASS::Cars93", "Price",
               ["EngineSize", "Horsepower", "RPM", "Rev.per.mile", "Fuel.tank.capacity", "Passengers",
                "Length", "Wheelbase", "Width", "Turn.circle", "Rear.seat.room", "Luggage.room", "Weight"],
               ["Type", "AirBags", "DriveTrain", "Cylinders", "Man.trans.avail", "Origin"]),
    "UScereal": ("MASS::UScereal", "calories",
                 ["protein", "fat", "sodium", "fibre", "carbo", "sugars", "potassium"], ["mfr", "shelf", "vitamins"]),
    "birthwt": ("within(MASS::birthwt, race <- factor(race, labels = c('white', 'black', 'other')))", "bwt",
                ["age", "lwt", "ptl", "ftv"], ["race", "smoke", "ht", "ui"]),
    "Prestige": ("carData::Prestige", "prestige", ["education", "income", "women"], ["type"]),
    "penguins": ("gen", "body_mass_g", ["bill_length_mm", "flipper_length_mm"], ["species", "island", "sex"]),
}


def export(name, expr, path, mdn):
    if expr == "gen":
        subprocess.run([mdn, "gen", "penguins", "--n", "1000", "--seed", "7", "--out", path], check=True)
        return
    subprocess.run(["Rscript", "-e", f"write.csv({expr}, '{path}', row.names = FALSE)"], check=True,
                   stdout=subprocess.DEVNULL)


def read(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        return head, [row for row in r]


def write(path, head, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)


def encode(train, test, head, nums, labels):
    """One-hot labels (training levels) and mean-imputed numbers."""
    cols = []
    for c in labels:
        j = head.index(c)
        levels = sorted({r[j].strip() for r in train if r[j].strip() not in NA})
        cols.append(("label", j, levels))
    for c in nums:
        j = head.index(c)
        vals = [float(r[j]) for r in train if r[j].strip() not in NA]
        cols.append(("num", j, sum(vals) / len(vals)))

    def enc(rows):
        out = []
        for r in rows:
            x = []
            for kind, j, p in cols:
                v = r[j].strip()
                if kind == "label":
                    x += [1.0 if v == l else 0.0 for l in p]
                else:
                    x.append(p if v in NA else float(v))
            out.append(x)
        return np.array(out, dtype=float)

    return enc(train), enc(test)


def linear_nll(xtr, ytr, xte, yte):
    a = np.hstack([np.ones((len(xtr), 1)), xtr])
    b = np.hstack([np.ones((len(xte), 1)), xte])
    w, *_ = np.linalg.lstsq(a, ytr, rcond=None)
    var = np.mean((ytr - a @ w) ** 2)
    r = yte - b @ w
    return float(np.mean(0.5 * np.log(2 * np.pi * var) + 0.5 * r * r / var))


def gp_nll(xtr, ytr, xte, yte):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    mx, sx = xtr.mean(0), xtr.std(0)
    sx[sx == 0] = 1
    my, sy = ytr.mean(), ytr.std()
    k = ConstantKernel(1.0) * RBF(length_scale=np.ones(xtr.shape[1])) + WhiteKernel(0.1)
    gp = GaussianProcessRegressor(k, normalize_y=False, n_restarts_optimizer=2, random_state=0)
    gp.fit((xtr - mx) / sx, (ytr - my) / sy)
    mu, sd = gp.predict((xte - mx) / sx, return_std=True)
    mu, sd = mu * sy + my, sd * sy
    r = yte - mu
    return float(np.mean(0.5 * np.log(2 * np.pi * sd * sd) + 0.5 * r * r / (sd * sd)))


def mdn_nll(mdn, d, trpath, tepath, y, nums, labels, extra):
    cfg = os.path.join(d, "c.yaml")
    c = {"data": {"train": trpath, "x": labels + nums, "y": [y], "categorical": labels,
                  "missing": "impute", "unknown_level": "zero"}}
    for section, keys in extra.items():
        c.setdefault(section, {}).update(keys)
    with open(cfg, "w") as f:
        json.dump(c, f)
    out = os.path.join(d, "out")
    subprocess.run([mdn, "train", "--config", cfg, "--out", out, "--force"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = subprocess.run([mdn, "eval", "--model", os.path.join(out, "model.json"), "--data", tepath, "--json"],
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout)["nll"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mdn", default="mdn")
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--tables", default=",".join(TABLES))
    ap.add_argument("--no-gp", action="store_true")
    ap.add_argument("--extra", default="{}", help='config keys added for mdn, JSON: {"train": {"ensemble": 5}}')
    a = ap.parse_args()
    print(f"mdn config beyond the data keys: {a.extra}")
    print(f"{'table':<11} {'rows':>5} {'labels':>6} {'NA cells':>8}  {'mdn':>16} {'linear':>16} {'gp':>16}  mdn<linear")
    for name in a.tables.split(","):
        expr, y, nums, labels = TABLES[name]
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "all.csv")
            export(name, expr, src, a.mdn)
            head, rows = read(src)
            used = [head.index(c) for c in [y] + nums + labels]
            na = sum(1 for r in rows for j in used if r[j].strip() in NA)
            yj = head.index(y)
            res = {"mdn": [], "linear": [], "gp": []}
            for s in range(a.splits):
                rng = np.random.default_rng(s)
                perm = rng.permutation(len(rows))
                h = int(round(0.1 * len(rows)))
                tr = [rows[i] for i in sorted(perm[h:])]
                te = [rows[i] for i in sorted(perm[:h]) if rows[i][yj].strip() not in NA]
                trp, tep = os.path.join(d, "train.csv"), os.path.join(d, "test.csv")
                write(trp, head, tr)
                write(tep, head, te)
                tr_y = [r for r in tr if r[yj].strip() not in NA]
                xtr, xte = encode(tr_y, te, head, nums, labels)
                ytr = np.array([float(r[yj]) for r in tr_y])
                yte = np.array([float(r[yj]) for r in te])
                res["mdn"].append(mdn_nll(a.mdn, d, trp, tep, y, nums, labels, json.loads(a.extra)))
                res["linear"].append(linear_nll(xtr, ytr, xte, yte))
                if not a.no_gp:
                    res["gp"].append(gp_nll(xtr, ytr, xte, yte))

            def ms(v):
                if not v:
                    return "-"
                v = np.array(v)
                return f"{v.mean():7.3f} ± {v.std(ddof=1) / math.sqrt(len(v)):5.3f}"
            wins = sum(m < l for m, l in zip(res["mdn"], res["linear"]))
            print(f"{name:<11} {len(rows):>5} {len(labels):>6} {na:>8}  {ms(res['mdn']):>16} {ms(res['linear']):>16} "
                  f"{ms(res['gp']):>16}  {wins}/{a.splits}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
