# expect: passed
"""Correct, written differently: pure Python, sorted (score, label) pairs grouped with
itertools.groupby; the AUC accumulates, per group of tied scores, the negatives already
passed (wins) plus half the negatives of the group (ties)."""
import itertools
import math

import numpy as np


def _floats(v):
    if hasattr(v, "detach"):
        v = v.detach().cpu()
    if hasattr(v, "tolist"):
        v = v.tolist()
    return [float(x) for x in v]


def _groups(y_true, scores):
    y, s = _floats(y_true), _floats(scores)
    if len(y) != len(s):
        raise ValueError("one score per label")
    if len(y) < 2:
        raise ValueError("two samples at least")
    if not all(v in (0.0, 1.0) for v in y):
        raise ValueError("0/1 labels only")
    n_pos = sum(y)
    if n_pos in (0, len(y)):
        raise ValueError("both classes needed")
    pairs = sorted(zip(s, y), key=lambda p: -p[0])
    groups = []
    for score, grp in itertools.groupby(pairs, key=lambda p: p[0]):
        labels = [lab for _, lab in grp]
        groups.append((score, sum(labels), len(labels) - sum(labels)))
    return groups, n_pos, len(y) - n_pos


def roc_curve(y_true, scores):
    groups, n_pos, n_neg = _groups(y_true, scores)
    fpr, tpr, thr = [0.0], [0.0], [math.inf]
    tp = fp = 0
    for score, p, n in groups:
        tp, fp = tp + p, fp + n
        thr.append(score); tpr.append(tp / n_pos); fpr.append(fp / n_neg)
    return np.array(fpr), np.array(tpr), np.array(thr)


def roc_auc(y_true, scores):
    groups, n_pos, n_neg = _groups(y_true, scores)
    # Walk from the lowest score up: positives beat all negatives below them.
    below = 0.0
    total = 0.0
    for _, p, n in reversed(groups):
        total += p * (below + 0.5 * n)
        below += n
    return total / (n_pos * n_neg)
