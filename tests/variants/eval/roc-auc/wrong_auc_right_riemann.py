# expect: failed only auc_ties_count_half
"""AUC as rectangles, sum(diff(fpr) * tpr[1:]): exact while every step moves one axis only,
but a tied (positive, negative) pair then counts 1 instead of one half."""
import numpy as np
import torch


def _np(v):
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    return np.array(v, dtype=np.float64)


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
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]], np.r_[np.inf, s[last]]


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * tpr[1:]))
