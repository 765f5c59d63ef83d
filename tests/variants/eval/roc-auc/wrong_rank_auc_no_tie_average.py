# expect: failed only auc_ties_count_half
"""AUC from the Mann-Whitney rank formula, with ranks from argsort (ties get different
ranks instead of their average rank). The curve is right."""
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
    thresholds = np.r_[np.inf, np.unique(s)[::-1]]
    above = s[None, :] >= thresholds[:, None]
    return ((above & ~pos).sum(1) / (~pos).sum()).astype(np.float64), \
        ((above & pos).sum(1) / pos.sum()).astype(np.float64), thresholds


def roc_auc(y_true, scores):
    pos, s = _checked(y_true, scores)
    ranks = np.empty(len(s))
    ranks[np.argsort(s, kind="stable")] = np.arange(1, len(s) + 1)
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
