# expect: failed only pos_label_selects_the_positive_class
"""A confusion matrix with np.bincount(t * K + p): labels are taken to be 0..K-1, so
negative labels (the -1/+1 convention) crash."""
import numpy as np
import torch


def _arr(v):
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    return np.array(v)


def _confusion(t, p, k):
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def _counts(y_true, y_pred, c, extra=()):
    t, p = _arr(y_true), _arr(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    if len(t) == 0:
        return 0, 0, 0
    k = int(max(t.max(), p.max(), c, *extra)) + 1
    cm = _confusion(t.astype(np.int64) if t.dtype != bool else t, p if p.dtype != bool else p, k)
    tp = cm[c, c]
    return int(tp), int(cm[:, c].sum() - tp), int(cm[c, :].sum() - tp)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    tp, fp, fn = _counts(y_true, y_pred, pos_label)
    r = lambda a, b: a / b if b else 0.0
    return r(tp, tp + fp), r(tp, tp + fn), r(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels):
    f = []
    for c in labels:
        tp, fp, fn = _counts(y_true, y_pred, c, labels)
        f.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(sum(f) / len(f))
