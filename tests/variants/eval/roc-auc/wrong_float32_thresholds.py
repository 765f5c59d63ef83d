# expect: failed curve_returns_float64_numpy_arrays
"""Keeps the scores' own dtype: float32 scores give float32 thresholds and rates."""
import numpy as np
import torch


def _np(v):
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    a = np.array(v)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def _checked(y_true, scores):
    y, s = _np(y_true), _np(scores)
    if len(y) != len(s) or len(y) < 2:
        raise ValueError("bad lengths")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0/1")
    if y.min() == y.max():
        raise ValueError("one class only")
    return y == 1, s


def roc_curve(y_true, scores):
    pos, s = _checked(y_true, scores)
    order = np.argsort(-s, kind="stable")
    s, pos = s[order], pos[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    tp, fp = np.cumsum(pos)[last], np.cumsum(~pos)[last]
    dt = s.dtype
    return (np.r_[0.0, fp / fp[-1]].astype(dt), np.r_[0.0, tp / tp[-1]].astype(dt),
            np.r_[np.inf, s[last]].astype(dt))


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    fpr, tpr = fpr.astype(np.float64), tpr.astype(np.float64)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
