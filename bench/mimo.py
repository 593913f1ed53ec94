#!/usr/bin/python3
"""mimo.py: would a MIMO network (Havasi et al., 2021) keep a deep ensemble's held-out NLL at one network's cost?

A feasibility study for issue 19 (the default ensemble at about the cost of one network), in PyTorch, not in
mdn: every method below is trained by this script with the same recipe, so only their differences are measured.

The recipe, mdn's defaults as far as they matter here: x and y z-scored with the training rows' statistics; 10%
of the training rows held out (seeded) for validation; K = 5 diagonal Gaussians, sigma = 1e-3 + exp(raw); two
MLPs (one for the mixture weights, one for the means and scales) of hidden [H, H] ReLU; Adam, lr 0.005, cosine
annealing over 2,000 steps, decoupled weight decay 0.5 (AdamW's convention); batches of 256 rows drawn from a new
permutation each epoch (all rows when fewer); the validation NLL every 50 steps, patience 12 evaluations, the
best weights kept. No training noise (mdn's noise choice is left out of both sides).

Methods, on each split:
  one        one network, H = 64
  ensemble   M = 10 such networks, each with its own initial weights and batches; the density is their average
  mimo-M-H   one network whose MLPs take M inputs (M·dim_in) and give M mixtures; in training, input m of a row
             of the batch is row b_m[i] of M independent permutations and the loss is the sum of the M mixtures'
             NLLs of their own responses; at test every input is the same x and the density is the average of
             the M mixtures.
  mimo-M-H-rR  the same with input repetition: with probability R every input of a batch row is the first's
             (Havasi et al.'s remedy for small data).
  mimo-M-H-n   the same trained with mdn's noise: N(0, h²) added to the standardized x and y of every batch,
             h = 0.5·n^(−1/(4+d)).
  mimo-sel-M-H mdn's noise choice for one MIMO network: mimo-M-H and mimo-M-H-n both trained, the one with the
             lower validation NLL kept (twice the cost).

The protocol of bench/real.py (the same splits: default_rng(seed + s).permutation(n), its first tenth the test set):
held-out NLL per row in the original units of y, mean ± SE over splits, and the paired difference to the
ensemble; the training seconds (one thread) per split of each method.

Usage: /usr/bin/python3 bench/mimo.py --csv DIR/quakes.csv --x lat,long,depth,stations --y mag [--splits 20]
       (CSVs from bench/real.py export DIR)
"""
import argparse
import math
import time

import numpy as np
import torch

K = 5


class Net(torch.nn.Module):
    def __init__(self, din, dout, hidden, heads):
        super().__init__()

        def mlp(out):
            return torch.nn.Sequential(torch.nn.Linear(din * heads, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, out))
        self.dout, self.heads = dout, heads
        self.pi = mlp(heads * K)
        self.normal = mlp(heads * K * dout * 2)

    def logp(self, x, y):
        """x: (B, heads·din), y: (B, heads, dout) -> log p per head, (B, heads)."""
        b = x.shape[0]
        logpi = torch.log_softmax(self.pi(x).view(b, self.heads, K), dim=-1)
        o = self.normal(x).view(b, self.heads, 2, K, self.dout)
        mu, sigma = o[:, :, 0], 1e-3 + torch.exp(o[:, :, 1])
        z = (y.unsqueeze(2) - mu) / sigma
        lp = -0.5 * (z * z).sum(-1) - torch.log(sigma).sum(-1) - 0.5 * self.dout * math.log(2 * math.pi)
        return torch.logsumexp(logpi + lp, dim=-1)


def train(xtr, ytr, xva, yva, hidden, heads, seed, rho=0.0, noise=0.0, steps=2000, batch=256, lr=0.005, wd=0.5,
          every=50, patience=12):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    net = Net(xtr.shape[1], ytr.shape[1], hidden, heads)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    n = xtr.shape[0]
    b = min(batch, n)
    perms, pos = None, n
    best, best_state, since = math.inf, None, 0
    for step in range(steps):
        if pos + b > n:
            perms = [torch.randperm(n, generator=g) for _ in range(heads)]
            pos = 0
        idx = [p[pos:pos + b] for p in perms]
        pos += b
        if rho > 0:
            same = torch.rand(b, generator=g) < rho
            idx = [idx[0]] + [torch.where(same, idx[0], i) for i in idx[1:]]
        update(net, opt, torch.cat([xtr[i] for i in idx], dim=1), torch.stack([ytr[i] for i in idx], dim=1), noise, g)
        sched.step()
        if (step + 1) % every == 0:
            v = -density(net, xva, yva).mean().item()
            if v < best:
                best, since = v, 0
                best_state = {k: t.clone() for k, t in net.state_dict().items()}
            else:
                since += 1
                if since >= patience:
                    break
    if best_state is not None:
        net.load_state_dict(best_state)
    return net


def update(net, opt, x, y, noise, g):
    """One optimizer step on the batch x: (B, heads·din), y: (B, heads, dout), with N(0, noise²) added to every
    value of x and y (drawn from g) when noise > 0; the loss is the sum of the heads' NLLs, averaged over the rows."""
    if noise > 0:
        x = x + noise * torch.randn(x.shape, generator=g)
        y = y + noise * torch.randn(y.shape, generator=g)
    loss = -net.logp(x, y).sum(1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def bandwidth(n, d, c=0.5):
    """mdn's training noise: h = c·n^(−1/(4+d)) on standardized x and y (train.NoiseBandwidth)."""
    return c * n ** (-1.0 / (4 + d))


@torch.no_grad()
def density(net, x, y):
    """log of the average of the heads' densities at (x, y), per row."""
    h = net.heads
    lp = net.logp(x.repeat(1, h), y.unsqueeze(1).expand(-1, h, -1))
    return torch.logsumexp(lp, dim=1) - math.log(h)


def machine():
    """The CPU, its vector flags, the OpenBLAS settings of the environment and the core OpenBLAS chose (the
    BLAS library torch mapped), for the record of a run."""
    import ctypes
    import os
    cpu, flags = "?", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "?":
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = {x for x in line.split() if x in ("avx512f", "avx2", "fma")}
    core = "?"
    with open("/proc/self/maps") as f:
        libs = sorted({l.split()[-1] for l in f if "blas" in l.split()[-1]})
    for lib in libs:
        try:
            l = ctypes.CDLL(lib)
            l.openblas_get_corename.restype = ctypes.c_char_p
            core = l.openblas_get_corename().decode()
            break
        except (OSError, AttributeError):
            continue
    env = {k: os.environ.get(k, "unset") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return f"machine: {os.cpu_count()} cores, {cpu}, flags {' '.join(sorted(flags))}; {env}; OpenBLAS core {core}"


def splits(path, x, y, count, seed):
    """bench/real.py's splits of the CSV at path (x, y: comma-separated column names): for split s the permutation
    default_rng(seed + s), its first tenth the test set, a tenth of the rest (default_rng(1000 + s)) the validation
    rows. Yields, per split, the training, validation and test x and y as float32 tensors z-scored with the training
    rows' statistics, and the y standard deviations (to return NLLs to the original units)."""
    import csv
    with open(path) as f:
        rows = list(csv.DictReader(f))
    xc, yc = x.split(","), y.split(",")
    X = np.array([[float(r[c]) for c in xc] for r in rows])
    Y = np.array([[float(r[c]) for c in yc] for r in rows])
    n = len(X)
    for s in range(count):
        perm = np.random.default_rng(seed + s).permutation(n)
        ntest = max(1, int(round(0.1 * n)))
        tr, te = np.sort(perm[ntest:]), np.sort(perm[:ntest])
        ntr = len(tr)
        hv = np.random.default_rng(1000 + s).permutation(ntr)
        nv = max(1, int(round(0.1 * ntr)))
        va, tt = tr[hv[:nv]], tr[hv[nv:]]
        mx, sx = X[tt].mean(0), X[tt].std(0)
        sx[sx == 0] = 1
        my, sy = Y[tt].mean(0), Y[tt].std(0)
        sy[sy == 0] = 1
        t = lambda v, m, sd: torch.tensor((v - m) / sd, dtype=torch.float32)
        yield (t(X[tt], mx, sx), t(Y[tt], my, sy), t(X[va], mx, sx), t(Y[va], my, sy), t(X[te], mx, sx),
               t(Y[te], my, sy), sy)


def start(methods):
    """The command line of a study (--csv, --x, --y, --splits, --seed, --methods, whose default is methods), with
    torch on one thread and the machine printed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--x", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--methods", default=methods)
    a = ap.parse_args()
    torch.set_num_threads(1)
    print(machine(), flush=True)
    return a


def main():
    a = start("one,ensemble,mimo-3-128,mimo-3-128-r0.5")
    methods = a.methods.split(",")
    res = {m: [] for m in methods}
    secs = {m: [] for m in methods}
    for s, (xtr, ytr, xva, yva, xte, yte, sy) in enumerate(splits(a.csv, a.x, a.y, a.splits, a.seed)):
        for m in methods:
            t0 = time.process_time()
            if m == "one":
                lp = density(train(xtr, ytr, xva, yva, 64, 1, 100 * s), xte, yte)
            elif m == "ensemble":
                lps = [density(train(xtr, ytr, xva, yva, 64, 1, 100 * s + j), xte, yte) for j in range(10)]
                lp = torch.logsumexp(torch.stack(lps), 0) - math.log(10)
            elif m.startswith("mimo-sel"):
                # mdn's noise choice for one MIMO network: trained with and without the noise, the one with the
                # lower validation NLL kept.
                _, _, heads, hidden = m.split("-")
                nets = [train(xtr, ytr, xva, yva, int(hidden), int(heads), 100 * s, noise=h)
                        for h in (0.0, bandwidth(len(xtr), xtr.shape[1] + ytr.shape[1]))]
                v = [-density(net, xva, yva).mean().item() for net in nets]
                lp = density(nets[int(v[1] < v[0])], xte, yte)
            else:
                p = m.split("-")
                rho = float(p[3][1:]) if len(p) > 3 and p[3].startswith("r") else 0.0
                h = bandwidth(len(xtr), xtr.shape[1] + ytr.shape[1]) if p[-1] == "n" else 0.0
                lp = density(train(xtr, ytr, xva, yva, int(p[2]), int(p[1]), 100 * s, rho, h), xte, yte)
            secs[m].append(time.process_time() - t0)
            res[m].append(-lp.mean().item() + float(np.log(sy).sum()))
        print(f"split {s}: " + "  ".join(f"{m} {res[m][-1]:.4f}" for m in methods), flush=True)
    S = a.splits
    ref = np.array(res["ensemble"]) if "ensemble" in res else None
    print(f"{a.csv}: {S} splits, NLL mean ± SE, paired difference to the ensemble, CPU s per split")
    for m in methods:
        v = np.array(res[m])
        line = f"  {m:12s} {v.mean():8.4f} ± {v.std(ddof=1) / math.sqrt(S):.4f}"
        if ref is not None and m != "ensemble":
            d = v - ref
            line += f"   {d.mean():+.4f} ± {d.std(ddof=1) / math.sqrt(S):.4f}"
        else:
            line += " " * 20
        line += f"   {np.median(secs[m]):6.2f} s"
        print(line)


if __name__ == "__main__":
    main()
