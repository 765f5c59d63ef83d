# expect: failed only does_not_modify_inputs
"""Binarizes numpy inputs in place when they are numpy arrays (copies lists and tensors)."""
import numpy as np
import torch


def _arr(v):
    if isinstance(v, np.ndarray):
        return v                       # "no need to copy an array"
    if isinstance(v, torch.Tensor):
        return v.detach().cpu().numpy().copy()
    return np.array(v)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _arr(y_true), _arr(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    t[...] = t == pos_label
    p[...] = p == pos_label
    t, p = t.astype(bool), p.astype(bool)
    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
    r = lambda a, b: a / b if b else 0.0
    return r(tp, tp + fp), r(tp, tp + fn), r(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels):
    t, p = np.array(_arr(y_true)), np.array(_arr(y_pred))
    return float(np.mean([precision_recall_f1(t.copy(), p.copy(), c)[2] for c in labels]))
