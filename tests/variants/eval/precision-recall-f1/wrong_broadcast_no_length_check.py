# expect: failed only length_mismatch_raises_value_error
"""Vectorized with numpy masks and no explicit length check: mismatched lengths raise only
because numpy cannot broadcast them, so a single label silently broadcasts against many."""
import numpy as np
import torch


def _arr(v):
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    return np.array(v)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _arr(y_true) == pos_label, _arr(y_pred) == pos_label
    tp = int(np.sum(t & p)); fp = int(np.sum(~t & p)); fn = int(np.sum(t & ~p))
    r = lambda a, b: a / b if b else 0.0
    return float(r(tp, tp + fp)), float(r(tp, tp + fn)), float(r(2 * tp, 2 * tp + fp + fn))


def macro_f1(y_true, y_pred, labels):
    return float(sum(precision_recall_f1(y_true, y_pred, c)[2] for c in labels) / len(labels))
