# expect: failed only invalid_labels_raise_value_error
"""Casts the labels to int before validating them: 0.5 becomes 0 and passes."""
import numpy as np
import torch


def _np(v, dtype):
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    return np.array(v).astype(dtype)


def _checked(y_true, scores):
    y, s = _np(y_true, np.int64), _np(scores, np.float64)
    if len(y) != len(s) or len(y) < 2:
        raise ValueError("bad lengths")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError("labels must be 0/1")
    if len(np.unique(y)) < 2:
        raise ValueError("one class only")
    return y == 1, s


def roc_curve(y_true, scores):
    pos, s = _checked(y_true, scores)
    thresholds = np.r_[np.inf, np.unique(s)[::-1]]
    above = s[None, :] >= thresholds[:, None]
    tpr = (above & pos).sum(1) / pos.sum()
    fpr = (above & ~pos).sum(1) / (~pos).sum()
    return fpr.astype(np.float64), tpr.astype(np.float64), thresholds


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
