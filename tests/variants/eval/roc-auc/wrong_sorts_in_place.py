# expect: failed only does_not_modify_inputs
"""Sorts the scores inside the caller's memory (np.asarray of a CPU tensor shares it) to save a copy."""

import numpy as np


def _as_float64(values):
    if hasattr(values, "detach"):
        values = values.detach()
        if values.device.type != "cpu":
            values = values.cpu()
        # astype(copy=False) keeps the caller's memory when it is already float64.
        return values.numpy().astype(np.float64, copy=False).reshape(-1)
    return np.array(values, dtype=np.float64).reshape(-1)


def _checked(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    y, s = _as_float64(y_true), _as_float64(scores)
    if len(y) != len(s):
        raise ValueError(f"y_true has {len(y)} labels but scores has {len(s)} values")
    if len(y) < 2:
        raise ValueError("the ROC curve needs at least two samples")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    positive = y == 1
    if positive.all() or not positive.any():
        # One of FPR and TPR would be 0 / 0 at every threshold.
        raise ValueError("y_true must contain both classes")
    return positive, s


def roc_curve(y_true, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    positive, s = _checked(y_true, scores)
    order = np.argsort(-s, kind="stable")
    pos_sorted = positive[order]
    s[:] = s[order]
    s_sorted = s.astype(np.float64)
    tp = np.cumsum(pos_sorted)
    fp = np.cumsum(~pos_sorted)
    # The last index of each run of equal scores: at threshold t every sample with
    # score >= t is positive, so tied samples enter the counts together.
    last = np.r_[np.flatnonzero(np.diff(s_sorted) != 0), len(s_sorted) - 1]
    thresholds = np.r_[np.inf, s_sorted[last]]
    tpr = np.r_[0.0, tp[last] / tp[-1]]
    fpr = np.r_[0.0, fp[last] / fp[-1]]
    return fpr.astype(np.float64), tpr.astype(np.float64), thresholds.astype(np.float64)


def roc_auc(y_true, scores) -> float:
    fpr, tpr, _ = roc_curve(y_true, scores)
    # Trapezoids between consecutive points: a run of tied scores that holds both classes
    # is a diagonal segment, which is exactly the "ties count one half" of Mann-Whitney.
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
