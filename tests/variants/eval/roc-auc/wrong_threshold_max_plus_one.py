# expect: failed only curve_thresholds_are_distinct_scores_descending
"""Old scikit-learn (< 1.3): the first threshold is max(score) + 1 instead of +inf."""
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
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]], np.r_[s[0] + 1, s[last]]


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.trapezoid(tpr, fpr))
