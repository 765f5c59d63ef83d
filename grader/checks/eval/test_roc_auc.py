"""Hidden checks for exercises/eval/roc_auc.py (the ROC curve and AUC)."""

import math

import numpy as np
import pytest
import torch

from grader.asserts import assert_unchanged, expect_raises, fail

DOC_Y = [0, 0, 1, 1]
DOC_S = [0.1, 0.4, 0.35, 0.8]


# ---------------------------------------------------------------------------------- helpers

def _data(rng, n, ties=False, balance=0.4):
    """(labels as int64 numpy, scores as float64 numpy) with both classes present.

    ``ties=True`` draws scores from a few values (quarters), so many are tied within and
    across the classes; otherwise they are continuous and distinct.
    """
    while True:
        y = (torch.rand(n, generator=rng) < balance).long().numpy()
        if 0 < y.sum() < n:
            break
    if ties:
        s = torch.randint(0, 6, (n,), generator=rng).double().numpy() / 4 + y * 0.25
    else:
        s = torch.randn(n, generator=rng, dtype=torch.float64).numpy() + y * 0.8
    return y, s


def _pairwise_auc(y, s):
    """O(n^2) oracle: P(s+ > s-) + 0.5 P(s+ = s-) over every (positive, negative) pair."""
    y, s = np.asarray(y), np.asarray(s, dtype=np.float64)
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def _call(fn, *args, what):
    """fn(*args), with an error of the learner's code reported in terms of this input."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported to the learner
        fail(f"{what} raised {type(exc).__name__} ({exc}).")


def _number(value, what):
    """The AUC as a float whatever its type (the type has its own check)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach().cpu().double())
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value.reshape(()))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        kind = "None (did you forget `return`?)" if value is None else type(value).__name__
        fail(f"{what} returned {kind}, not a number.")
    result = float(value)
    if math.isnan(result):
        fail(f"{what} returned NaN.")
    return result


def _auc(sub, y, s, what):
    return _number(_call(sub.roc_auc, y, s, what=what), what)


def _curve(sub, y, s, what):
    """The three arrays of roc_curve as float64 numpy (the types have their own check)."""
    result = _call(sub.roc_curve, y, s, what=what)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        kind = "None (did you forget `return`?)" if result is None else type(result).__name__
        fail(f"{what} returned {kind}; it must return the tuple (fpr, tpr, thresholds).")
    arrays = []
    for value, name in zip(result, ("fpr", "tpr", "thresholds")):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().double().numpy()
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            fail(f"the {name} of {what} is a {type(value).__name__} that is not an array of "
                 "numbers.")
        if array.ndim != 1:
            fail(f"the {name} of {what} has shape {array.shape}; it must be 1-D.")
        arrays.append(array)
    if not len(arrays[0]) == len(arrays[1]) == len(arrays[2]):
        fail(f"{what} returned fpr, tpr and thresholds of lengths "
             f"{[len(a) for a in arrays]}; there is one (fpr, tpr) point per threshold.")
    return arrays


def _close(actual, expected, what, why, tol=1e-12):
    if not math.isclose(actual, expected, rel_tol=tol, abs_tol=tol):
        fail(f"{what} is off by {abs(actual - expected):.3g}. {why}")


PAIRWISE = ("AUC is the probability that a random positive scores above a random "
            "negative, with tied pairs counted one half: the trapezoidal area under the "
            "full ROC curve.")


# ---------------------------------------------------------------------------- the curve

@pytest.mark.points(2)
def test_curve_thresholds_are_distinct_scores_descending(sub, rng):
    cases = [(np.array(DOC_Y), np.array(DOC_S), "the documentation example")]
    for n in (13, 40, 97):
        cases.append((*_data(rng, n, ties=True), f"{n} samples with tied scores"))
    cases.append((*_data(rng, 25), "25 samples with distinct scores"))
    for y, s, case in cases:
        what = f"roc_curve(y_true, scores) on {case}"
        _, _, thresholds = _curve(sub, y, s, what)
        expected = np.r_[np.inf, np.unique(s)[::-1]]
        if len(thresholds) != len(expected):
            fail(f"{what} returned {len(thresholds)} thresholds for {len(expected) - 1} "
                 "distinct scores; there must be one per distinct score plus +inf first, and "
                 "no point may be dropped (unlike scikit-learn's drop_intermediate).")
        if thresholds[0] != np.inf:
            fail(f"thresholds[0] of {what} is not +inf: the curve starts at the threshold "
                 "+inf, where no sample is positive.")
        if not np.array_equal(thresholds[1:], expected[1:]):
            bad = int(np.flatnonzero(thresholds[1:] != expected[1:])[0]) + 1
            fail(f"thresholds[{bad}] of {what} is wrong: after +inf come the distinct scores "
                 "themselves, exactly as given, strictly decreasing.")


@pytest.mark.points(3)
def test_curve_rates_count_scores_at_or_above_threshold(sub, rng):
    cases = [(np.array(DOC_Y), np.array(DOC_S), "the documentation example")]
    for n in (11, 50):
        cases.append((*_data(rng, n, ties=True), f"{n} samples with tied scores"))
    cases.append((*_data(rng, 64), "64 samples with distinct scores"))
    for y, s, case in cases:
        what = f"roc_curve(y_true, scores) on {case}"
        fpr, tpr, thresholds = _curve(sub, y, s, what)
        # The rates at the submission's own thresholds: this check is about counting, the
        # thresholds check is about which thresholds there are.
        at_or_above = s[None, :] >= thresholds[:, None]
        expected_tpr = (at_or_above & (y == 1)).sum(1) / (y == 1).sum()
        expected_fpr = (at_or_above & (y == 0)).sum(1) / (y == 0).sum()
        for name, got, expected, why in (
                ("tpr", tpr, expected_tpr, "tpr = TP / N_pos, the share of the positives "
                                           "with score >= threshold."),
                ("fpr", fpr, expected_fpr, "fpr = FP / N_neg, the share of the negatives "
                                           "with score >= threshold (x axis: 1 − the "
                                           "negatives' recall).")):
            bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-12, atol=1e-12))
            if len(bad):
                i = int(bad[0])
                fail(f"{name}[{i}] of {what} (at thresholds[{i}]) is off by "
                     f"{abs(got[i] - expected[i]):.3g}. {why} A sample is predicted "
                     "positive when score >= threshold (ties at the threshold included).")


def test_curve_starts_at_origin_and_ends_at_one_one(sub, rng):
    for n in (9, 60):
        y, s = _data(rng, n, ties=n > 10)
        what = f"roc_curve(y_true, scores) on {n} samples"
        fpr, tpr, _ = _curve(sub, y, s, what)
        if len(fpr) == 0 or fpr[0] != 0 or tpr[0] != 0:
            fail(f"{what} does not start at (0, 0): prepend the point of threshold +inf.")
        if fpr[-1] != 1 or tpr[-1] != 1:
            fail(f"{what} does not end at (1, 1): at the smallest score every sample is "
                 "predicted positive (score >= threshold).")
        if np.any(np.diff(fpr) < 0) or np.any(np.diff(tpr) < 0):
            fail(f"fpr or tpr of {what} decreases somewhere: lowering the threshold can only "
                 "add positive predictions.")


def test_curve_returns_float64_numpy_arrays(sub, device, rng):
    y, s = _data(rng, 20, ties=True)
    for labels, scores, kind in ((y, s, "numpy arrays"),
                                 (torch.from_numpy(y).to(device),
                                  torch.from_numpy(s).float().to(device), "tensors")):
        what = f"roc_curve(y_true, scores) on {kind}"
        result = _call(sub.roc_curve, labels, scores, what=what)
        if not isinstance(result, tuple) or len(result) != 3:
            fail(f"{what} returned a {type(result).__name__}; return the tuple "
                 "(fpr, tpr, thresholds).")
        for value, name in zip(result, ("fpr", "tpr", "thresholds")):
            if not isinstance(value, np.ndarray):
                fail(f"the {name} of {what} is a {type(value).__name__}; return a numpy "
                     "array.")
            if value.dtype != np.float64 or value.ndim != 1:
                fail(f"the {name} of {what} is a {value.ndim}-D {value.dtype} array; return "
                     "a 1-D float64 array.")


# ---------------------------------------------------------------------------------- AUC

def test_auc_of_the_documentation_example(sub):
    what = f"roc_auc({DOC_Y}, {DOC_S})"
    _close(_auc(sub, DOC_Y, DOC_S, what), 0.75, what, PAIRWISE)


@pytest.mark.points(3)
def test_auc_matches_pairwise_count(sub, rng):
    for n, balance in ((10, 0.5), (57, 0.3), (400, 0.6)):
        y, s = _data(rng, n, balance=balance)
        what = f"roc_auc(y_true, scores) on {n} samples with distinct scores"
        _close(_auc(sub, y, s, what), _pairwise_auc(y, s), what, PAIRWISE, tol=1e-9)


@pytest.mark.points(2)
def test_auc_ties_count_half(sub, rng):
    what = "roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])"
    _close(_auc(sub, [0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9], what), 0.875, what,
           "The tied (positive, negative) pair at 0.5 counts one half.")
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    what = "roc_auc(y_true, scores) when every score is the same"
    _close(_auc(sub, y, np.full(7, 0.3), what), 0.5, what,
           "With all scores equal every pair is tied, so the AUC is 0.5 (chance).")
    for n in (30, 211):
        y, s = _data(rng, n, ties=True)
        what = f"roc_auc(y_true, scores) on {n} samples with many tied scores"
        _close(_auc(sub, y, s, what), _pairwise_auc(y, s), what,
               "Tied (positive, negative) pairs count one half: the ROC curve goes "
               "diagonally through a run of tied scores.", tol=1e-9)


def test_auc_of_perfect_and_reversed_rankings(sub, rng):
    y, s = _data(rng, 31)
    order = np.argsort(s)
    ranked = np.empty(31)
    ranked[order] = np.arange(31)
    perfect = ranked + 100 * y
    what = "roc_auc(y_true, scores) when every positive scores above every negative"
    _close(_auc(sub, y, perfect, what), 1.0, what, "A perfect ranking has AUC 1.")
    what = "roc_auc(y_true, scores) when every positive scores below every negative"
    _close(_auc(sub, y, -perfect, what), 0.0, what, "A reversed ranking has AUC 0.")


def test_auc_invariant_under_increasing_transform(sub, rng):
    y, s = _data(rng, 48, ties=True)
    what = "roc_auc(y_true, scores)"
    base = _auc(sub, y, s, what)
    for transformed, how in ((3 * s + 7, "3 * scores + 7"), (np.exp(s), "np.exp(scores)"),
                             (s ** 3, "scores ** 3")):
        what = f"roc_auc(y_true, {how})"
        _close(_auc(sub, y, transformed, what), base, what,
               "AUC depends only on how the scores rank the samples, so a strictly "
               "increasing transform of the scores must not change it.", tol=1e-9)


def test_auc_returns_python_float(sub, device, rng):
    y, s = _data(rng, 16)
    for labels, scores, kind in ((y, s, "numpy arrays"),
                                 (torch.from_numpy(y).to(device),
                                  torch.from_numpy(s).to(device), "tensors")):
        value = _call(sub.roc_auc, labels, scores, what=f"roc_auc on {kind}")
        if isinstance(value, bool) or not isinstance(value, float):
            fail(f"roc_auc(y_true, scores) on {kind} returned a {type(value).__name__}; "
                 "return a Python float (float(x) converts a numpy or torch number).")


# ---------------------------------------------------------------------------------- inputs

@pytest.mark.points(2)
def test_accepts_lists_tuples_arrays_and_tensors(sub, device, rng):
    y, s = _data(rng, 35, ties=True)
    s32 = s.astype(np.float32)  # quarters are exact in float32
    forms = [
        (y.tolist(), s.tolist(), "Python lists"),
        (tuple(bool(v) for v in y), tuple(s.tolist()), "a tuple of bools and a tuple of floats"),
        (y.astype(np.float64), s32, "float 0./1. labels and float32 scores (numpy)"),
        (torch.from_numpy(y).to(device), torch.from_numpy(s32).to(device).requires_grad_(True),
         f"tensors on {device.type}, the scores requiring grad"),
        (torch.from_numpy(y).bool().to(device), torch.from_numpy((s * 4).astype(np.int64)),
         "bool label tensor and int64 scores"),
        (y, s > np.median(s), "int labels and bool scores (numpy), True above False"),
        (y.tolist(), torch.from_numpy(s > np.median(s)).to(device),
         f"a list of labels and a bool score tensor on {device.type}"),
    ]
    for labels, scores, kind in forms:
        plain = np.asarray(scores.detach().cpu() if isinstance(scores, torch.Tensor)
                           else scores, dtype=np.float64)
        # Compared with the submission's own answers for the same numbers as int64 labels
        # and float64 scores (numpy): this check is about the kinds of input.
        what = f"roc_auc(y_true, scores) with {kind}"
        own = _auc(sub, y.astype(np.int64), plain, "roc_auc on float64 numpy arrays")
        got = _auc(sub, labels, scores, what)
        if not math.isclose(got, own, rel_tol=1e-12, abs_tol=1e-12):
            fail(f"{what} differs (by {abs(got - own):.3g}) from your own roc_auc of the same "
                 "numbers as int64 labels and float64 scores (numpy). Lists, tuples, numpy "
                 "arrays and tensors (any device, requiring grad or not) must all work: use "
                 ".detach().cpu() before .numpy(), and convert to float64.")
        # The curve is compared with the submission's own curve of the same numbers as
        # float64 numpy arrays: this check is about the kinds of input, not the curve.
        what = f"roc_curve(y_true, scores) with {kind}"
        got = _curve(sub, labels, scores, what)
        own = _curve(sub, y.astype(np.int64), plain, "roc_curve on float64 numpy arrays")
        for name, a, b in zip(("fpr", "tpr", "thresholds"), got, own):
            if a.shape != b.shape or not np.array_equal(a, b):
                fail(f"the {name} of {what} differs from your own {name} for the same numbers "
                     "as int64 labels and float64 scores (numpy). Lists, tuples, numpy arrays "
                     "and tensors (any device, requiring grad or not) must all work: use "
                     ".detach().cpu() before .numpy(), and convert to float64.")


@pytest.mark.points(2)
def test_degenerate_inputs_raise_value_error(sub):
    cases = [([1, 1, 1], [0.2, 0.5, 0.9], "labels of one class only (no negatives)"),
             ([0, 0, 0, 0], [0.1, 0.4, 0.3, 0.2], "labels of one class only (no positives)"),
             ([1], [0.7], "a single sample"),
             ([], [], "empty inputs"),
             ([0, 1, 1], [0.1, 0.9], "3 labels and 2 scores")]
    for y, s, case in cases:
        for name in ("roc_curve", "roc_auc"):
            expect_raises(ValueError, getattr(sub, name), np.array(y, dtype=np.int64),
                          np.array(s, dtype=np.float64), what=f"{name} on {case}",
                          why="FPR or TPR would be 0 / 0 (or the samples do not pair up): "
                              "raise ValueError instead of returning NaN.")


def test_invalid_labels_raise_value_error(sub):
    for y in ([0, 1, 2, 1], [0, 1, -1, 1], [0.0, 1.0, 0.5, 1.0]):
        for name in ("roc_curve", "roc_auc"):
            expect_raises(ValueError, getattr(sub, name), np.array(y), np.array([0.1, 0.2, 0.3, 0.4]),
                          what=f"{name}(y_true={y}, scores)",
                          why="labels are 0 (negative) or 1 (positive); anything else is "
                              "an error, not silently a negative or a positive.")


def test_does_not_modify_inputs(sub, device, rng):
    y, s = _data(rng, 30, ties=True)
    labels = torch.from_numpy(y).to(device)
    for scores in (torch.from_numpy(s).to(device), torch.from_numpy(s).float().to(device)):
        before_y, before_s = labels.clone(), scores.clone()
        for name in ("roc_curve", "roc_auc"):
            getattr(sub, name)(labels, scores)
            assert_unchanged(before_y, labels, what=f"{name}(y_true, scores)")
            assert_unchanged(before_s, scores, what=f"{name}(y_true, scores) ({scores.dtype} "
                                                    "scores)")
    # numpy arrays too (np.asarray of a float64 array is the caller's array itself).
    for labels, scores in ((y, s), (y.astype(np.float64), s.astype(np.float32))):
        before_y, before_s = labels.copy(), scores.copy()
        for name in ("roc_curve", "roc_auc"):
            what = f"{name}(y_true, scores) on numpy arrays ({labels.dtype} labels, " \
                   f"{scores.dtype} scores)"
            getattr(sub, name)(labels, scores)
            assert_unchanged(before_y, labels, what=what)
            assert_unchanged(before_s, scores, what=what)
