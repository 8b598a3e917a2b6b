#!/usr/bin/env python3
"""The statistics of `margins analyze`, computed independently with numpy.

Used twice: by the tests, as the reference the Swift analysis must match (to 1e-4 degrees), and by
benchmarks/analysis-1m.sh, as the numpy side of the speed comparison. Written the way a careful
numpy user would: the features are memory-mapped and processed in float64 chunks, class sums
come from a stable sort by label and np.add.reduceat, and the class-to-class cosines from BLAS
matrix products a block of rows at a time. Definitions: docs/analysis.md.

usage: analysis_numpy.py FEATURES.npy --labels LABELS.npy [--class-weights W.npy] [--pairs N]
                         [--seed S] [--pca-sample N] [--json OUT]
"""
import argparse
import json
import sys

import numpy as np

CHUNK = 1 << 15


def degrees(c):
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


def nearest(directions, block=1024):
    """For each unit row, the closest other row: (index, angle in degrees); ties -> lower index."""
    c = directions.shape[0]
    best = np.empty(c, dtype=np.int64)
    best_cos = np.empty(c)
    for a in range(0, c, block):
        g = directions[a:a + block] @ directions.T
        rows = np.arange(a, min(c, a + block))
        g[rows - a, rows] = -np.inf
        best[a:a + block] = np.argmax(g, axis=1)
        best_cos[a:a + block] = g[np.arange(len(rows)), best[a:a + block]]
    return best, degrees(best_cos)


def class_angles(directions, names, cap=100, closest=10):
    c = directions.shape[0]
    nn, ang = nearest(directions)
    keys = sorted(range(c), key=lambda j: (ang[j], min(j, nn[j]), max(j, nn[j])))
    pairs, seen = [], set()
    for j in keys:
        a, b = min(j, int(nn[j])), max(j, int(nn[j]))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        pairs.append({"a": a, "b": b, "degrees": float(ang[j])})
    if c <= cap:
        shown = list(range(c))
    else:
        shown, got = [], set()
        for p in pairs:
            if len(shown) + 2 > cap:
                break
            for k in (p["a"], p["b"]):
                if k not in got:
                    got.add(k)
                    shown.append(k)
    sub = directions[shown]
    m = degrees(sub @ sub.T)
    np.fill_diagonal(m, 0)
    order = greedy_order(m)
    return {
        "meanNearestDegrees": float(ang.mean()),
        "minimumDegrees": float(pairs[0]["degrees"]),
        "closestPairs": pairs[:closest],
        "order": [shown[k] for k in order],
        "matrixDegrees": m[np.ix_(order, order)].tolist(),
    }


def greedy_order(m):
    n = m.shape[0]
    if n <= 2:
        return list(range(n))
    upper = np.where(np.triu(np.ones((n, n), dtype=bool), 1), m, np.inf)
    start = int(np.unravel_index(np.argmin(upper), upper.shape)[0])
    order, placed = [start], np.zeros(n, dtype=bool)
    placed[start] = True
    while len(order) < n:
        row = np.where(placed, np.inf, m[order[-1]])
        k = int(np.argmin(row))
        order.append(k)
        placed[k] = True
    return order


def distribution(angles):
    return {
        "count": int(angles.size), "mean": float(angles.mean()), "median": float(np.median(angles)),
        "minimum": float(angles.min()), "maximum": float(angles.max()),
        "shareBeyond90": float((angles > 90).mean()),
    }


def pair_report(pos, neg, pos_available, neg_available):
    pos, neg = np.sort(pos), np.sort(neg)
    n_neg = neg.size

    def point(far):
        k = int(np.floor(far * n_neg))
        if k >= n_neg:
            return None
        t = neg[k]
        return {"far": float(np.searchsorted(neg, t, "left") / n_neg),
                "tar": float(np.searchsorted(pos, t, "left") / pos.size), "thresholdDegrees": float(t)}

    tar = []
    for far in (1e-3, 1e-4):
        if far * n_neg >= 10:
            p = point(far)
            tar.append({"far": far, "tar": p["tar"], "achievedFar": p["far"], "thresholdDegrees": p["thresholdDegrees"]})
        else:
            tar.append({"far": far, "tar": None})
    thresholds = np.unique(np.concatenate([pos, neg]))
    far = np.concatenate([[0.0], np.searchsorted(neg, thresholds, "right") / n_neg])
    frr = np.concatenate([[1.0], 1 - np.searchsorted(pos, thresholds, "right") / pos.size])
    k = int(np.argmin(np.abs(far - frr)))
    eer = {"rate": float((far[k] + frr[k]) / 2), "thresholdDegrees": None if k == 0 else float(thresholds[k - 1]),
           "far": float(far[k]), "frr": float(frr[k])}
    return {
        "positive": {"available": int(pos_available), "count": int(pos.size), "mean": float(pos.mean()), "median": float(np.median(pos))},
        "negative": {"available": int(neg_available), "count": int(n_neg), "mean": float(neg.mean()), "median": float(np.median(neg))},
        "tarAtFar": tar, "eer": eer,
    }


def pair_angles(x, norms, i, j):
    out = np.empty(i.size)
    for a in range(0, i.size, CHUNK):
        xi = np.asarray(x[i[a:a + CHUNK]], dtype=np.float64)
        xj = np.asarray(x[j[a:a + CHUNK]], dtype=np.float64)
        out[a:a + CHUNK] = degrees(np.einsum("ij,ij->i", xi, xj) / (norms[i[a:a + CHUNK]] * norms[j[a:a + CHUNK]]))
    return out


def pairs(x, norms, labels, cap, rng):
    n = labels.size
    counts = np.bincount(labels)
    pos_available = int((counts * (counts - 1) // 2).sum())
    neg_available = n * (n - 1) // 2 - pos_available
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    if pos_available <= cap:
        pi, pj = [], []
        for c in range(counts.size):
            m = order[starts[c]:starts[c + 1]]
            a, b = np.triu_indices(m.size, 1)
            pi.append(m[a])
            pj.append(m[b])
        pi, pj = np.concatenate(pi), np.concatenate(pj)
    else:
        w = counts * (counts - 1) / 2
        cls = rng.choice(counts.size, size=cap, p=w / w.sum())
        a = rng.integers(0, counts[cls])
        b = rng.integers(0, counts[cls] - 1)
        b = b + (b >= a)
        pi, pj = order[starts[cls] + a], order[starts[cls] + b]
    if neg_available <= cap:
        a, b = np.triu_indices(n, 1)
        keep = labels[a] != labels[b]
        ni, nj = a[keep], b[keep]
    else:
        ni, nj = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        while ni.size < cap:
            a = rng.integers(0, n, 2 * cap)
            b = rng.integers(0, n, 2 * cap)
            keep = labels[a] != labels[b]
            ni, nj = np.concatenate([ni, a[keep]]), np.concatenate([nj, b[keep]])
        ni, nj = ni[:cap], nj[:cap]
    return pair_report(pair_angles(x, norms, pi, pj), pair_angles(x, norms, ni, nj), pos_available, neg_available)


def analyse(x, labels, weights, pair_cap, seed, pca_sample):
    n, d = x.shape
    c = int(labels.max()) + 1
    norms = np.empty(n)
    for a in range(0, n, CHUNK):
        xa = np.asarray(x[a:a + CHUNK], dtype=np.float64)
        norms[a:a + CHUNK] = np.sqrt(np.einsum("ij,ij->i", xa, xa))
    if not np.all(np.isfinite(norms) & (norms > 0)):
        sys.exit("features with NaN, infinite or zero rows")
    # Class sums over rows sorted by label: contiguous runs, added by reduceat.
    order = np.argsort(labels, kind="stable")
    sums = np.zeros((c, d))
    for a in range(0, n, CHUNK):
        rows = order[a:a + CHUNK]
        xa = np.asarray(x[rows], dtype=np.float64) / norms[rows][:, None]
        la = labels[rows]
        starts = np.flatnonzero(np.concatenate([[True], la[1:] != la[:-1]]))
        sums[la[starts]] += np.add.reduceat(xa, starts, axis=0)
    centres = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    w = None if weights is None else weights / np.linalg.norm(weights, axis=1, keepdims=True)
    reference = centres if w is None else w
    intra = np.empty(n)
    target = np.empty(n)
    for a in range(0, n, CHUNK):
        xa = np.asarray(x[a:a + CHUNK], dtype=np.float64)
        la = labels[a:a + CHUNK]
        intra[a:a + CHUNK] = degrees(np.einsum("ij,ij->i", xa, centres[la]) / norms[a:a + CHUNK])
        target[a:a + CHUNK] = degrees(np.einsum("ij,ij->i", xa, reference[la]) / norms[a:a + CHUNK])
    names = [str(k) for k in range(c)]
    centre_angles = class_angles(centres, names)
    table3 = {"intra": float(intra.mean()), "inter": centre_angles["meanNearestDegrees"], "wEC": None, "wInter": None}
    weight_angles = None
    if w is not None:
        weight_angles = class_angles(w, names)
        table3["wEC"] = float(degrees(np.einsum("ij,ij->i", w, centres)).mean())
        table3["wInter"] = weight_angles["meanNearestDegrees"]
    rng = np.random.default_rng(seed)
    pair = pairs(x, norms, labels, pair_cap, rng)
    rows = np.arange(n) if n <= pca_sample else np.sort(rng.choice(n, pca_sample, replace=False))
    xs = np.asarray(x[rows], dtype=np.float64) / norms[rows][:, None]
    cov = np.cov(xs.T, bias=True)
    values = np.linalg.eigvalsh(cov)[::-1]
    trace = float(np.trace(cov))
    pca = {"sampleRows": int(rows.size), "eigenvalues": values[:3].tolist(), "trace": trace,
           "varianceShare2D": float(values[:2].sum() / trace),
           "varianceShare3D": float(values[:3].sum() / trace) if d >= 3 else None}
    split = {"rows": n, "table3": table3, "targetAngles": distribution(target), "intraAngles": distribution(intra),
             "pairs": pair, "centreAngles": centre_angles, "pca": pca}
    return {"dimension": d, "classCount": c, "weightAngles": weight_angles, "splits": [split]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("features")
    p.add_argument("--labels", required=True)
    p.add_argument("--class-weights")
    p.add_argument("--pairs", type=int, default=500_000)
    p.add_argument("--seed", type=int, default=1701)
    p.add_argument("--pca-sample", type=int, default=20_000)
    p.add_argument("--json")
    a = p.parse_args()
    x = np.load(a.features, mmap_mode="r")
    raw = np.load(a.labels)
    weights = None if a.class_weights is None else np.load(a.class_weights).astype(np.float64)
    if weights is None:
        _, labels = np.unique(raw, return_inverse=True)
    else:
        labels = raw.astype(np.int64)
    report = {"files": [analyse(x, labels.astype(np.int64), weights, a.pairs, a.seed, a.pca_sample)]}
    text = json.dumps(report, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text)
    else:
        s = report["files"][0]["splits"][0]
        print("Table 3:", s["table3"])
        print("target:", s["targetAngles"])
        print("TAR:", s["pairs"]["tarAtFar"], "EER:", s["pairs"]["eer"])
        print("PCA:", s["pca"]["varianceShare2D"], s["pca"]["varianceShare3D"])


if __name__ == "__main__":
    main()
