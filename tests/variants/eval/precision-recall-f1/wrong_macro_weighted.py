# expect: failed macro_f1_is_the_mean_of_per_class_f1
"""Macro F1 weighted by each class's support (that is sklearn's average='weighted')."""
def _l(v):
    return list(v.tolist()) if hasattr(v, "tolist") else list(v)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _l(y_true), _l(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    tp = sum(a == pos_label and b == pos_label for a, b in zip(t, p))
    fp = sum(a != pos_label and b == pos_label for a, b in zip(t, p))
    fn = sum(a == pos_label and b != pos_label for a, b in zip(t, p))
    r = lambda a, b: a / b if b else 0.0
    return r(tp, tp + fp), r(tp, tp + fn), r(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels):
    t = _l(y_true)
    support = [sum(a == c for a in t) for c in labels]
    total = sum(support)
    if total == 0:
        return 0.0
    return sum(s * precision_recall_f1(y_true, y_pred, c)[2] for s, c in zip(support, labels)) / total
