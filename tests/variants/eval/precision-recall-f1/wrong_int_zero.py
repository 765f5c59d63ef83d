# expect: failed only returns_a_tuple_of_python_floats
"""Returns the int 0 (not 0.0) where a ratio is 0 / 0."""
def _l(v):
    return list(v.tolist()) if hasattr(v, "tolist") else list(v)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _l(y_true), _l(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    tp = sum(a == pos_label and b == pos_label for a, b in zip(t, p))
    fp = sum(a != pos_label and b == pos_label for a, b in zip(t, p))
    fn = sum(a == pos_label and b != pos_label for a, b in zip(t, p))
    P = tp / (tp + fp) if tp + fp else 0
    R = tp / (tp + fn) if tp + fn else 0
    F = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0
    return P, R, F


def macro_f1(y_true, y_pred, labels):
    return sum(precision_recall_f1(y_true, y_pred, c)[2] for c in labels) / len(labels)
