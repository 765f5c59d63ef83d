# expect: failed only pos_label_selects_the_positive_class
"""FP counted as 'predicted positive and truly 0', FN as 'truly positive and predicted 0':
right for 0/1 labels with pos_label=1 only."""
def _l(v):
    return list(v.tolist()) if hasattr(v, "tolist") else list(v)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _l(y_true), _l(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    tp = sum(a == pos_label and b == pos_label for a, b in zip(t, p))
    fp = sum(a == 0 and b == pos_label for a, b in zip(t, p))
    fn = sum(a == pos_label and b == 0 for a, b in zip(t, p))
    r = lambda a, b: a / b if b else 0.0
    return r(tp, tp + fp), r(tp, tp + fn), r(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels):
    t, p = _l(y_true), _l(y_pred)
    if len(t) != len(p):
        raise ValueError("lengths differ")
    f = []
    for c in labels:
        tp = sum(a == c and b == c for a, b in zip(t, p))
        fp = sum(a != c and b == c for a, b in zip(t, p))
        fn = sum(a == c and b != c for a, b in zip(t, p))
        f.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(f) / len(f)
