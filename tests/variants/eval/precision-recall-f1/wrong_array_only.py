# expect: failed only accepts_lists_tuples_arrays_and_tensors
"""Treats every input as an array (y == pos_label element-wise): for a Python list or tuple the comparison is a single False, which has no .sum()."""


def _as_list(values) -> list:
    """A plain Python list of the labels, whatever the container (and device) was."""
    if hasattr(values, "tolist"):
        # A tensor's .tolist() copies to the CPU; a numpy array's gives Python numbers.
        values = values.tolist()
    return list(values)


def _ratio(numerator: int, denominator: int) -> float:
    # The zero_division=0 convention: 0 / 0 is 0.0, never NaN.
    return numerator / denominator if denominator else 0.0


def _counts(y_true, y_pred, pos_label):
    if len(y_true) != len(y_pred):
        raise ValueError("length mismatch")
    t, p = y_true == pos_label, y_pred == pos_label
    tp = int((t & p).sum())
    fp = int((~t & p).sum())
    fn = int((t & ~p).sum())
    return tp, fp, fn


def precision_recall_f1(y_true, y_pred, pos_label=1) -> tuple[float, float, float]:
    tp, fp, fn = _counts(y_true, y_pred, pos_label)
    # F1 from the counts, 2TP / (2TP + FP + FN): no 0/0 when TP = 0 but FP or FN is not.
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels) -> float:
    truth, pred = y_true, y_pred
    scores = [precision_recall_f1(truth, pred, pos_label=c)[2] for c in labels]
    # The unweighted mean of the per-class F1, not the F1 of the mean P and R.
    return float(sum(scores) / len(scores))
