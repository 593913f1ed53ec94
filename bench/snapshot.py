#!/usr/bin/python3
"""snapshot.py: would a snapshot ensemble (Huang et al., 2017) keep mdn's default ensemble's held-out NLL at the
training cost issue 19 allows (≤ 3× one network's wall time)?

A feasibility study in PyTorch, not in mdn, with bench/mimo.py's recipe and splits (its Net, density and noise
bandwidth): one network trained over C cycles of L steps, each a cosine from lr 0.005 to 0 (a warm restart),
the validation NLL every 50 steps; each cycle's best weights on the hold-out are a snapshot, and the density is
the average of the C snapshots' mixtures. C·L steps in all, against one network's early-stopped run (patience
12; about 900 steps on these tables).

Methods, on each split:
  snap-C-L      the snapshot ensemble without training noise
  snap-C-L-n    with mdn's training noise on every batch
  snapsel-C-L   mdn's noise choice: both trained, and the C plain snapshots, the C noisy ones or all 2C kept,
                whichever has the lowest validation NLL as an ensemble (the two runs are independent: on two
                cores they run side by side, so the wall time is about one run's); its two runs are also
                reported alone, as snap-C-L and snap-C-L-n
  enssel        the reference in PyTorch: 10 networks (mimo.py's 'one', early stopping), each trained with and
                without the noise, the 10 plain, 10 noisy or all 20 kept by validation NLL (mdn's recipe;
                here all members share one hold-out)

Held-out NLL in original units, per split; compare with mdn's defaults on the same splits by
bench/results/mimo/pair.py TABLE LOG.

Usage: /usr/bin/python3 bench/snapshot.py --csv DIR/quakes.csv --x lat,long,depth --y mag [--splits 20]
       [--methods snapsel-4-500,enssel]
"""
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mimo import Net, bandwidth, density, splits, start, train, update  # noqa: E402


def snapshots(xtr, ytr, xva, yva, cycles, length, seed, noise=0.0, hidden=64, batch=256, lr=0.005, wd=0.5,
              every=50):
    """One network over `cycles` warm-restart cosine cycles of `length` steps; returns each cycle's best net."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    net = Net(xtr.shape[1], ytr.shape[1], hidden, 1)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=wd)
    n = xtr.shape[0]
    b = min(batch, n)
    perm, pos = None, n
    snaps = []
    for c in range(cycles):
        best, best_state = math.inf, None
        for step in range(length):
            for grp in opt.param_groups:
                grp["lr"] = 0.5 * lr * (1 + math.cos(math.pi * step / length))
            if pos + b > n:
                perm, pos = torch.randperm(n, generator=g), 0
            idx = perm[pos:pos + b]
            pos += b
            update(net, opt, xtr[idx], ytr[idx].unsqueeze(1), noise, g)
            if (step + 1) % every == 0:
                v = -density(net, xva, yva).mean().item()
                if v < best:
                    best, best_state = v, {k: t.clone() for k, t in net.state_dict().items()}
        s = Net(xtr.shape[1], ytr.shape[1], hidden, 1)
        s.load_state_dict(best_state)
        snaps.append(s)
    return snaps


def mix(nets, x, y):
    """log of the average density of nets at (x, y), per row."""
    return torch.logsumexp(torch.stack([density(m, x, y) for m in nets]), 0) - math.log(len(nets))


def choose(plain, noisy, xva, yva):
    """mdn's noise choice: the plain nets, the noisy ones or all, by validation NLL as an ensemble."""
    cands = [plain, noisy, plain + noisy]
    v = [-mix(c, xva, yva).mean().item() for c in cands]
    return cands[int(np.argmin(v))]


def main():
    a = start("snapsel-4-500,enssel")
    methods = a.methods.split(",")
    res = {m: [] for m in methods}
    secs = {m: [] for m in methods}
    for s, (xtr, ytr, xva, yva, xte, yte, sy) in enumerate(splits(a.csv, a.x, a.y, a.splits, a.seed)):
        h = bandwidth(len(xtr), xtr.shape[1] + ytr.shape[1])
        for m in methods:
            t0 = time.process_time()
            p = m.split("-")
            if m == "enssel":
                plain = [train(xtr, ytr, xva, yva, 64, 1, 100 * s + j) for j in range(10)]
                noisy = [train(xtr, ytr, xva, yva, 64, 1, 100 * s + j, noise=h) for j in range(10)]
                nets = choose(plain, noisy, xva, yva)
            elif p[0] == "snapsel":
                C, L = int(p[1]), int(p[2])
                plain = snapshots(xtr, ytr, xva, yva, C, L, 100 * s)
                noisy = snapshots(xtr, ytr, xva, yva, C, L, 100 * s, noise=h)
                nets = choose(plain, noisy, xva, yva)
                # The two halves, from the same runs (their CPU time is not recorded).
                for k, part in ((f"snap-{C}-{L}", plain), (f"snap-{C}-{L}-n", noisy)):
                    res.setdefault(k, []).append(-mix(part, xte, yte).mean().item() + float(np.log(sy).sum()))
            else:
                C, L = int(p[1]), int(p[2])
                nets = snapshots(xtr, ytr, xva, yva, C, L, 100 * s, noise=h if p[-1] == "n" else 0.0)
            secs[m].append(time.process_time() - t0)
            res[m].append(-mix(nets, xte, yte).mean().item() + float(np.log(sy).sum()))
        print(f"split {s}: " + "  ".join(f"{m} {v[-1]:.4f}" for m, v in res.items()), flush=True)
    print(f"{a.csv}: {a.splits} splits, NLL mean ± SE, CPU s per split (median)")
    for m, v in res.items():
        v = np.array(v)
        cpu = f"{np.median(secs[m]):6.2f} s" if m in secs else ""
        print(f"  {m:14s} {v.mean():8.4f} ± {v.std(ddof=1) / math.sqrt(a.splits):.4f}   {cpu}")


if __name__ == "__main__":
    main()
