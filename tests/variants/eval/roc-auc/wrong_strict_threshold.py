# expect: failed curve_rates_count_scores_at_or_above_threshold, curve_starts_at_origin_and_ends_at_one_one
"""Predicts positive when score > threshold (strict), so a sample never counts at its own
score; the AUC is a separate pairwise count."""

import numpy as np


def _as_float64(values) -> np.ndarray:
    """A fresh float64 copy, whatever the container; a tensor is detached and moved first."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    # np.array copies, so nothing below can touch the caller's memory.
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


def roc_curve(y_true, scores):
    positive, s = _checked(y_true, scores)
    thresholds = np.r_[np.inf, np.unique(s)[::-1]]
    # Strict: a sample counts as positive only when its score is above the threshold.
    tpr = np.array([np.sum(positive & (s > t)) for t in thresholds]) / positive.sum()
    fpr = np.array([np.sum(~positive & (s > t)) for t in thresholds]) / (~positive).sum()
    return fpr.astype(np.float64), tpr.astype(np.float64), thresholds


def roc_auc(y_true, scores):
    positive, s = _checked(y_true, scores)
    pos, neg = s[positive][:, None], s[~positive][None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))
