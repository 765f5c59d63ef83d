# expect: passed
"""Correct, written differently: a collections.Counter of (true, predicted) pairs; each
class's TP, FP and FN are sums over that table."""
from collections import Counter


def _pairs(y_true, y_pred):
    a = y_true.tolist() if hasattr(y_true, "tolist") else list(y_true)
    b = y_pred.tolist() if hasattr(y_pred, "tolist") else list(y_pred)
    if len(a) != len(b):
        raise ValueError("y_true and y_pred differ in length")
    return Counter(zip(a, b))


def _f(table, c):
    tp = sum(n for (t, p), n in table.items() if t == c and p == c)
    fp = sum(n for (t, p), n in table.items() if t != c and p == c)
    fn = sum(n for (t, p), n in table.items() if t == c and p != c)
    return tp, fp, fn


def _div(a, b):
    return float(a) / b if b else 0.0


def precision_recall_f1(y_true, y_pred, pos_label=1):
    tp, fp, fn = _f(_pairs(y_true, y_pred), pos_label)
    p, r = _div(tp, tp + fp), _div(tp, tp + fn)
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


def macro_f1(y_true, y_pred, labels):
    table = _pairs(y_true, y_pred)
    total = 0.0
    for c in labels:
        tp, fp, fn = _f(table, c)
        total += _div(2 * tp, 2 * tp + fp + fn)
    return total / len(labels)
