# expect: failed only pos_label_selects_the_positive_class
"""Hard-codes the positive class as 1 in precision_recall_f1; macro_f1 counts each class itself."""


def _as_list(values) -> list:
    """A plain Python list of the labels, whatever the container (and device) was."""
    if hasattr(values, "tolist"):
        # A tensor's .tolist() copies to the CPU; a numpy array's gives Python numbers.
        values = values.tolist()
    return list(values)


def _ratio(numerator: int, denominator: int) -> float:
    # The zero_division=0 convention: 0 / 0 is 0.0, never NaN.
    return numerator / denominator if denominator else 0.0


def _counts(y_true, y_pred, pos_label) -> tuple[int, int, int]:
    truth, pred = _as_list(y_true), _as_list(y_pred)
    if len(truth) != len(pred):
        raise ValueError(f"y_true has {len(truth)} labels but y_pred has {len(pred)}")
    tp = fp = fn = 0
    for t, p in zip(truth, pred):
        is_true, is_pred = t == 1, p == 1
        tp += is_true and is_pred
        fp += is_pred and not is_true
        fn += is_true and not is_pred
    return int(tp), int(fp), int(fn)


def precision_recall_f1(y_true, y_pred, pos_label=1) -> tuple[float, float, float]:
    tp, fp, fn = _counts(y_true, y_pred, pos_label)
    # F1 from the counts, 2TP / (2TP + FP + FN): no 0/0 when TP = 0 but FP or FN is not.
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels) -> float:
    truth, pred = _as_list(y_true), _as_list(y_pred)
    scores = []
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        wrong = sum((t == c) != (p == c) for t, p in zip(truth, pred))
        scores.append(_ratio(2 * tp, 2 * tp + wrong))
    if len(truth) != len(pred):
        raise ValueError("length mismatch")
    # The unweighted mean of the per-class F1, not the F1 of the mean P and R.
    return float(sum(scores) / len(scores))
