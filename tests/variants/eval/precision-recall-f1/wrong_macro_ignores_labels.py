# expect: failed macro_f1_averages_over_the_given_labels
"""Averages over the classes found in the data instead of the labels argument (so empty
inputs, with no class in the data, also divide by zero)."""


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
        is_true, is_pred = t == pos_label, p == pos_label
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
    scores = [precision_recall_f1(truth, pred, pos_label=c)[2] for c in sorted(set(truth) | set(pred))]
    # The unweighted mean of the per-class F1, not the F1 of the mean P and R.
    return float(sum(scores) / len(scores))
