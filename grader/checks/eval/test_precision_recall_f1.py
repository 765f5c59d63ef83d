"""Hidden checks for exercises/eval/precision_recall_f1.py (precision, recall, F1, macro F1)."""

import math

import numpy as np
import pytest
import torch

from grader.asserts import assert_unchanged, expect_raises, fail

# ---------------------------------------------------------------------------------- helpers

def _labels(rng, n, num_classes):
    """n random int64 labels in [0, num_classes) as a numpy array."""
    return torch.randint(0, num_classes, (n,), generator=rng).numpy()


def _noisy_copy(rng, y, num_classes, flip=0.35):
    """Predictions that agree with y most of the time (so TP, FP and FN are all non-zero)."""
    other = torch.randint(0, num_classes, (len(y),), generator=rng).numpy()
    keep = torch.rand(len(y), generator=rng).numpy() > flip
    return np.where(keep, y, other)


def _counts(y_true, y_pred, pos):
    t = np.asarray(y_true) == pos
    p = np.asarray(y_pred) == pos
    return int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())


def _oracle(y_true, y_pred, pos=1):
    """(P, R, F1) in float64 from the confusion counts, 0 where a denominator is 0."""
    tp, fp, fn = _counts(y_true, y_pred, pos)
    ratio = lambda a, b: a / b if b else 0.0
    return ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn)


def _macro_oracle(y_true, y_pred, labels):
    return sum(_oracle(y_true, y_pred, c)[2] for c in labels) / len(labels)


def _number(value, what):
    """A returned number as a float, whatever its type (the type has its own check)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach().cpu().double())
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value.reshape(()))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        what_type = "None (did you forget `return`?)" if value is None else type(value).__name__
        fail(f"{what} gave {what_type} where a number was expected.")
    result = float(value)
    if math.isnan(result):
        fail(f"{what} is NaN; every 0 / 0 must give 0.0.")
    return result


def _call(fn, *args, what):
    """fn(*args), with an error of the learner's code reported in terms of this input."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported to the learner
        fail(f"{what} raised {type(exc).__name__} ({exc}).")


def _triple(result, what):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        kind = "None (did you forget `return`?)" if result is None else type(result).__name__
        fail(f"{what} returned {kind}; it must return the tuple (precision, recall, f1).")
    return result


def _component(sub, y_true, y_pred, index, name, why, pos_label=1, call=None):
    call = call or f"precision_recall_f1(y_true, y_pred) on {len(y_true)} samples"
    value = _number(_triple(sub.precision_recall_f1(y_true, y_pred, pos_label), call)[index],
                    f"the {name} of {call}")
    expected = _oracle(y_true, y_pred, pos_label)[index]
    if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
        fail(f"the {name} of {call} is off by {abs(value - expected):.3g}. {why}")


def _hand_made(tp, fp, fn, tn, rng):
    """Binary labels with exactly these confusion counts, shuffled."""
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn)
    y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0] * tn)
    order = torch.randperm(len(y_true), generator=rng).numpy()
    return y_true[order], y_pred[order]


HAND_MADE = [(3, 1, 2, 4), (5, 4, 1, 0), (1, 6, 2, 3)]


def _cases(rng):
    """Hand-made confusion matrices, then random binary labels of several lengths."""
    for counts in HAND_MADE:
        yield (*_hand_made(*counts, rng), f"a hand-made case with TP, FP, FN, TN = {counts}")
    for n in (17, 64, 301):
        y = _labels(rng, n, 2)
        yield y, _noisy_copy(rng, y, 2), f"random binary labels of length {n}"


# -------------------------------------------------------------------------- the three ratios

@pytest.mark.points(2)
def test_precision_is_tp_over_predicted_positives(sub, rng):
    for y_true, y_pred, case in _cases(rng):
        _component(sub, y_true, y_pred, 0, "precision", "Precision is TP / (TP + FP): "
                   "the share of the predicted positives that are really positive.",
                   call=f"precision_recall_f1(y_true, y_pred) on {case}")


@pytest.mark.points(2)
def test_recall_is_tp_over_actual_positives(sub, rng):
    for y_true, y_pred, case in _cases(rng):
        _component(sub, y_true, y_pred, 1, "recall", "Recall is TP / (TP + FN): the share "
                   "of the truly positive samples that were predicted positive.",
                   call=f"precision_recall_f1(y_true, y_pred) on {case}")


@pytest.mark.points(2)
def test_f1_is_harmonic_mean_of_precision_and_recall(sub, rng):
    for y_true, y_pred, case in _cases(rng):
        _component(sub, y_true, y_pred, 2, "F1", "F1 is the harmonic mean 2PR / (P + R) "
                   "= 2TP / (2TP + FP + FN), not the arithmetic mean (P + R) / 2.",
                   call=f"precision_recall_f1(y_true, y_pred) on {case}")


@pytest.mark.points(2)
def test_zero_division_gives_zero(sub):
    cases = [
        ([1, 0, 1, 1, 0], [0, 0, 0, 0, 0], "no predicted positives (P is 0/0)"),
        ([0, 0, 0, 0], [0, 1, 0, 1], "no positives in y_true (R is 0/0)"),
        ([0, 0, 0], [0, 0, 0], "no positives anywhere (P and R are 0/0)"),
        ([1, 0, 1, 0], [0, 1, 0, 1], "TP = 0 with FP and FN > 0 (P = R = 0, so 2PR/(P+R) is 0/0)"),
        ([], [], "empty inputs"),
    ]
    for y_true, y_pred, case in cases:
        call = f"precision_recall_f1({y_true}, {y_pred})"
        result = _triple(sub.precision_recall_f1(np.array(y_true, dtype=np.int64),
                                                 np.array(y_pred, dtype=np.int64)), call)
        expected = _oracle(y_true, y_pred)
        for index, name in enumerate(("precision", "recall", "F1")):
            value = _number(result[index], f"the {name} of {call} ({case})")
            if not math.isclose(value, expected[index], abs_tol=1e-9):
                fail(f"the {name} of {call} ({case}) is off by "
                     f"{abs(value - expected[index]):.3g}. Every 0 / 0 gives 0.0 "
                     "(scikit-learn's zero_division=0).")
    call = "macro_f1([], [], [0, 1])"
    value = _number(_call(sub.macro_f1, np.array([], dtype=np.int64),
                          np.array([], dtype=np.int64), [0, 1], what=call), call)
    if not math.isclose(value, 0.0, abs_tol=1e-9):
        fail(f"{call} (empty inputs) is off by {abs(value):.3g}: every class's F1 is 0 / 0, "
             "which gives 0.0, so their mean is 0.0 too.")


@pytest.mark.points(2)
def test_pos_label_selects_the_positive_class(sub, rng):
    y = _labels(rng, 40, 2)
    cases = [(y, _noisy_copy(rng, y, 2), 0, "binary labels with pos_label=0")]
    for n in (37, 90):
        y = _labels(rng, n, 4)
        cases.append((y, _noisy_copy(rng, y, 4), 2,
                            f"labels 0..3 (length {n}) with pos_label=2"))
        cases.append((y, _noisy_copy(rng, y, 4), 3,
                            f"labels 0..3 (length {n}) with pos_label=3"))
    binary = _labels(rng, 50, 2)
    signed, signed_hat = binary * 2 - 1, _noisy_copy(rng, binary, 2) * 2 - 1
    for pos in (1, -1):
        cases.append((signed, signed_hat, pos, f"labels -1 and +1 with pos_label={pos}"))
    for y_true, y_pred, pos, case in cases:
        call = f"precision_recall_f1(y_true, y_pred, pos_label={pos}) on {case}"
        result = _triple(_call(sub.precision_recall_f1, y_true, y_pred, pos, what=call), call)
        # Compared with the submission's own answer on the labels binarized to 1/0, so that
        # this check tests the choice of the positive class and not the formulas.
        binary = sub.precision_recall_f1((y_true == pos).astype(np.int64),
                                         (y_pred == pos).astype(np.int64), 1)
        binary = _triple(binary, "precision_recall_f1 on 0/1 labels")
        for index, name in enumerate(("precision", "recall", "F1")):
            value = _number(result[index], f"the {name} of {call}")
            same = _number(binary[index], f"the {name} of precision_recall_f1 on 0/1 labels")
            if not math.isclose(value, same, rel_tol=1e-6, abs_tol=1e-9):
                fail(f"the {name} of {call} differs (by {abs(value - same):.3g}) from your "
                     f"own {name} of the same labels rewritten as 1 (label {pos}) and 0 (every "
                     "other label) with pos_label=1. A sample is positive when its label == "
                     "pos_label; every other label (0 included) is negative.")


def test_returns_a_tuple_of_python_floats(sub, device, rng):
    y = _labels(rng, 30, 2)
    y_hat = _noisy_copy(rng, y, 2)
    inputs = [(y, y_hat, "numpy arrays"),
              (torch.from_numpy(y).to(device), torch.from_numpy(y_hat).to(device), "tensors"),
              (np.array([1, 0, 1, 0]), np.array([0, 0, 0, 0]),
               "labels with no predicted positives (every ratio 0 / 0 or 0)")]
    for y_true, y_pred, kind in inputs:
        call = f"precision_recall_f1(y_true, y_pred) on {kind}"
        result = sub.precision_recall_f1(y_true, y_pred)
        if not isinstance(result, tuple) or len(result) != 3:
            fail(f"{call} returned a {type(result).__name__}; return a tuple "
                 "(precision, recall, f1).")
        for value, name in zip(result, ("precision", "recall", "F1")):
            if isinstance(value, bool) or not isinstance(value, float):
                fail(f"the {name} of {call} is of type {type(value).__name__}; return a Python "
                     "float (float(x) converts a numpy or torch number; a 0 / 0 gives 0.0, "
                     "not the int 0).")
        for labels in ([0, 1], [5]):
            value = sub.macro_f1(y_true, y_pred, labels)
            if isinstance(value, bool) or not isinstance(value, float):
                fail(f"macro_f1(y_true, y_pred, {labels}) on {kind} returned a "
                     f"{type(value).__name__}; return a Python float (0.0, not 0, where "
                     "every F1 is 0).")


@pytest.mark.points(2)
def test_accepts_lists_tuples_arrays_and_tensors(sub, device, rng):
    y = _labels(rng, 45, 3)
    y_hat = _noisy_copy(rng, y, 3)
    forms = [
        (y.tolist(), y_hat.tolist(), "Python lists"),
        (tuple(y.tolist()), tuple(y_hat.tolist()), "tuples"),
        (y.astype(np.int32), y_hat.astype(np.int32), "int32 numpy arrays"),
        (torch.from_numpy(y).to(device), torch.from_numpy(y_hat).to(device),
         f"int64 tensors on {device.type}"),
    ]
    # Compared with the submission's own answers on int64 numpy arrays: this check tests
    # the kinds of input, the value checks test the formulas.
    expected = _triple(sub.precision_recall_f1(y, y_hat), "precision_recall_f1 on int64 "
                       "numpy arrays")
    expected = [_number(v, "precision_recall_f1 on int64 numpy arrays") for v in expected]
    expected_macro = _number(sub.macro_f1(y, y_hat, [0, 1, 2]), "macro_f1 on int64 arrays")
    for y_true, y_pred, kind in forms:
        call = f"precision_recall_f1(y_true, y_pred) with {kind}"
        result = _triple(_call(sub.precision_recall_f1, y_true, y_pred, what=call), call)
        for index, name in enumerate(("precision", "recall", "F1")):
            value = _number(result[index], f"the {name} of {call}")
            if not math.isclose(value, expected[index], rel_tol=1e-6, abs_tol=1e-9):
                fail(f"the {name} of {call} differs (by {abs(value - expected[index]):.3g}) "
                     "from your own answer for the same labels as int64 numpy arrays. Lists, "
                     "tuples, numpy arrays and tensors (on any device) must all work: turn "
                     "the input into one form first (e.g. .tolist(), or np.asarray after "
                     ".cpu()); note that `a_list == 1` is just False.")
        call = f"macro_f1(y_true, y_pred, [0, 1, 2]) with {kind}"
        value = _number(_call(sub.macro_f1, y_true, y_pred, [0, 1, 2], what=call), call)
        if not math.isclose(value, expected_macro, rel_tol=1e-6, abs_tol=1e-9):
            fail(f"{call} differs (by {abs(value - expected_macro):.3g}) from your own answer "
                 "for int64 numpy arrays; it must accept the same kinds of input as "
                 "precision_recall_f1.")
    # Bool labels (True is the class 1) compared with the same labels as int64.
    b = _labels(rng, 40, 2)
    b_hat = _noisy_copy(rng, b, 2)
    expected = _triple(sub.precision_recall_f1(b, b_hat), "precision_recall_f1 on 0/1 labels")
    expected = [_number(v, "precision_recall_f1 on 0/1 labels") for v in expected]
    expected_macro = _number(sub.macro_f1(b, b_hat, [0, 1]), "macro_f1 on 0/1 labels")
    for y_true, y_pred, kind in (
            (b.astype(bool), b_hat.astype(bool), "bool numpy arrays"),
            ([bool(v) for v in b], [bool(v) for v in b_hat], "lists of bools"),
            (torch.from_numpy(b).bool().to(device), torch.from_numpy(b_hat).bool().to(device),
             f"bool tensors on {device.type}")):
        call = f"precision_recall_f1(y_true, y_pred) with {kind}"
        result = _triple(_call(sub.precision_recall_f1, y_true, y_pred, what=call), call)
        for index, name in enumerate(("precision", "recall", "F1")):
            value = _number(result[index], f"the {name} of {call}")
            if not math.isclose(value, expected[index], rel_tol=1e-6, abs_tol=1e-9):
                fail(f"the {name} of {call} differs (by {abs(value - expected[index]):.3g}) "
                     "from your own answer for the same labels as 0/1 int64 arrays. Bool "
                     "labels are allowed: True == 1 is the positive class, False == 0.")
        call = f"macro_f1(y_true, y_pred, [0, 1]) with {kind}"
        value = _number(_call(sub.macro_f1, y_true, y_pred, [0, 1], what=call), call)
        if not math.isclose(value, expected_macro, rel_tol=1e-6, abs_tol=1e-9):
            fail(f"{call} differs (by {abs(value - expected_macro):.3g}) from your own answer "
                 "for the same labels as 0/1 int64 arrays. Bool labels are allowed: True == "
                 "1 and False == 0.")


def test_length_mismatch_raises_value_error(sub):
    a, b = np.array([1, 0, 1, 1, 0]), np.array([1, 0, 1])
    expect_raises(ValueError, sub.precision_recall_f1, a, b,
                  what="precision_recall_f1 of 5 true labels and 3 predictions",
                  why="every sample needs both a true and a predicted label; zip would "
                      "silently drop the tail.")
    expect_raises(ValueError, sub.precision_recall_f1, [1, 0], [1, 0, 0, 1],
                  what="precision_recall_f1 of a list of 2 and a list of 4 labels")
    expect_raises(ValueError, sub.macro_f1, a, b, [0, 1],
                  what="macro_f1 of 5 true labels and 3 predictions")
    one, four = np.array([1]), np.array([1, 0, 0, 1])
    for fn, name, extra in ((sub.precision_recall_f1, "precision_recall_f1", ()),
                            (sub.macro_f1, "macro_f1", ([0, 1],))):
        expect_raises(ValueError, fn, one, four, *extra,
                      what=f"{name} of 1 true label and 4 predictions",
                      why="numpy would broadcast the single label against all four "
                          "predictions; compare the lengths yourself.")
        expect_raises(ValueError, fn, four, one, *extra,
                      what=f"{name} of 4 true labels and 1 prediction")


def test_does_not_modify_inputs(sub, device, rng):
    y = torch.randint(0, 4, (50,), generator=rng).to(device)
    y_hat = torch.randint(0, 4, (50,), generator=rng).to(device)
    before, before_hat = y.clone(), y_hat.clone()
    sub.precision_recall_f1(y, y_hat, 2)
    assert_unchanged(before, y, what="precision_recall_f1(y_true, y_pred, pos_label=2)")
    assert_unchanged(before_hat, y_hat, what="precision_recall_f1(y_true, y_pred, pos_label=2)")
    sub.macro_f1(y, y_hat, [0, 1, 2, 3])
    assert_unchanged(before, y, what="macro_f1(y_true, y_pred, [0, 1, 2, 3])")
    assert_unchanged(before_hat, y_hat, what="macro_f1(y_true, y_pred, [0, 1, 2, 3])")
    y, y_hat = y.cpu().numpy(), y_hat.cpu().numpy()
    before, before_hat = y.copy(), y_hat.copy()
    for fn, name, extra in ((sub.precision_recall_f1, "precision_recall_f1", (2,)),
                            (sub.macro_f1, "macro_f1", ([0, 1, 2, 3],))):
        fn(y, y_hat, *extra)
        what = f"{name}(y_true, y_pred, {extra[0]}) on numpy arrays"
        assert_unchanged(before, y, what=what)
        assert_unchanged(before_hat, y_hat, what=what)


# ---------------------------------------------------------------------------------- macro F1

@pytest.mark.points(2)
def test_macro_f1_is_the_mean_of_per_class_f1(sub, rng):
    for n, k in ((60, 3), (151, 5), (33, 4)):
        y = _labels(rng, n, k)
        y_hat = _noisy_copy(rng, y, k, flip=0.5)
        labels = list(range(k))
        call = f"macro_f1(y_true, y_pred, {labels}) on {n} samples"
        value = _number(sub.macro_f1(y, y_hat, labels), call)
        expected = _macro_oracle(y, y_hat, labels)
        if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            fail(f"{call} is off by {abs(value - expected):.3g}. Macro F1 is the plain mean "
                 "of the F1 of each class (that class positive, all others negative), not "
                 "the F1 of the mean precision and mean recall, and not weighted by class "
                 "size.")


@pytest.mark.points(2)
def test_macro_f1_averages_over_the_given_labels(sub, rng):
    y = _labels(rng, 80, 4)
    y_hat = _noisy_copy(rng, y, 4, flip=0.5)
    for labels, why in (([0, 1, 2, 3, 7], "label 7 appears in neither input: its F1 is 0 "
                                          "and it still counts in the mean"),
                        ([2, 0], "only classes 2 and 0 are averaged; 1 and 3 are left out"),
                        ([3], "a single label gives that class's F1")):
        call = f"macro_f1(y_true, y_pred, {labels}) with labels 0..3 in the data"
        value = _number(sub.macro_f1(y, y_hat, labels), call)
        expected = _macro_oracle(y, y_hat, labels)
        if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            fail(f"{call} is off by {abs(value - expected):.3g}: average over exactly the "
                 f"labels you are given ({why}).")
