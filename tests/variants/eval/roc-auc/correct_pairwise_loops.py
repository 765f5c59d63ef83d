# expect: passed
"""Correct, written differently: plain Python lists, one pass over the distinct thresholds
for the curve, and the AUC as the O(n^2) pairwise count (ties one half)."""
import math

import numpy as np


def _plain(values):
    if hasattr(values, "tolist"):
        values = values.tolist()
    return [float(v) for v in values]


def _validate(y_true, scores):
    y, s = _plain(y_true), _plain(scores)
    if len(y) != len(s) or len(y) < 2:
        raise ValueError("need two or more samples, one score per label")
    if any(v not in (0.0, 1.0) for v in y):
        raise ValueError("labels must be 0 or 1")
    if len(set(y)) < 2:
        raise ValueError("both classes are needed")
    return y, s


def roc_curve(y_true, scores):
    y, s = _validate(y_true, scores)
    n_pos = sum(1 for v in y if v == 1.0)
    n_neg = len(y) - n_pos
    thresholds = [math.inf] + sorted(set(s), reverse=True)
    fpr, tpr = [], []
    for t in thresholds:
        tp = sum(1 for v, x in zip(y, s) if x >= t and v == 1.0)
        fp = sum(1 for v, x in zip(y, s) if x >= t and v == 0.0)
        tpr.append(tp / n_pos)
        fpr.append(fp / n_neg)
    return (np.array(fpr, dtype=np.float64), np.array(tpr, dtype=np.float64),
            np.array(thresholds, dtype=np.float64))


def roc_auc(y_true, scores):
    y, s = _validate(y_true, scores)
    pos = [x for v, x in zip(y, s) if v == 1.0]
    neg = [x for v, x in zip(y, s) if v == 0.0]
    wins = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return wins / (len(pos) * len(neg))
