"""Hidden checks for exercises/data/self_training.py (one round of self-training).

The ``fit`` and ``predict_proba`` callables are the public nearest-centroid learner of
:mod:`grader.sandbox.fixtures.data`, built in the sandbox with ``make``; the checker builds
the same learner locally from the same arguments to run the reference, and reads back what
the sandbox's copy recorded. Thresholds are placed at least ``MARGIN`` away from every
confidence, so rounding can never decide a check (except the hand-made boundary rows,
whose values are exact in binary).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.asserts import assert_close, fail
from grader.sandbox.fixtures import data as fixtures
from grader.sandbox.host import make

MARGIN = 1e-6
LEARNER = "grader.sandbox.fixtures.data:centroid_learner"
HELD = "grader.sandbox.fixtures.data:Held"


# ------------------------------------------------------------------ helpers

def _array(actual, *, what, why=""):
    """``actual`` must be a numpy array; returned as a float64 tensor for comparing values."""
    if not isinstance(actual, np.ndarray):
        kind = "None (did you forget `return`?)" if actual is None else type(actual).__name__
        fail(f"{what} returned {kind}, not a numpy array. {why}".strip())
    return torch.from_numpy(np.asarray(actual, dtype=np.float64).copy())


def _same(actual, expected, *, what, why):
    """Exact equality of shape and values (the dtype is the dtype checks')."""
    got = _array(actual, what=what, why=why)
    want = torch.from_numpy(np.asarray(expected, dtype=np.float64).copy())
    assert_close(got, want, what=what, why=why, rtol=0.0, atol=0.0, check_dtype=False)


def _pair(result, *, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} must return a tuple (indices, labels) of two numpy arrays.")
    return result


def _four(result, *, what):
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        fail(f"{what} must return a tuple (X_l_new, y_l_new, X_u_rest, model).")
    return result


def _random_probs(rng, n, c, dtype=np.float64, sharpness=3.0):
    """Rows of a softmax of random logits: confidences spread between 1/c and 1."""
    logits = torch.randn(n, c, generator=rng, dtype=torch.float64) * sharpness
    return torch.softmax(logits, dim=1).numpy().astype(dtype)


def _threshold_between(confidence, rng, low=0.25, high=0.75):
    """A threshold that selects some rows and not others, MARGIN away from every value."""
    values = np.sort(np.unique(confidence.astype(np.float64)))
    gaps = [(values[j] + values[j + 1]) / 2 for j in range(len(values) - 1)
            if values[j + 1] - values[j] > 4 * MARGIN]
    lo, hi = int(len(gaps) * low), max(int(len(gaps) * high), int(len(gaps) * low) + 1)
    pick = int(torch.randint(lo, hi, (1,), generator=rng))
    return float(gaps[min(pick, len(gaps) - 1)])


def _problem(rng, n_classes=3, n_per_class=4, n_unlabeled=31, d=2, dtype=np.float64):
    """Labelled rows around one centre per class, unlabelled rows anywhere between."""
    centres = torch.randn(n_classes, d, generator=rng, dtype=torch.float64) * 3.0
    y_l = torch.arange(n_classes).repeat_interleave(n_per_class)
    perm = torch.randperm(len(y_l), generator=rng)
    y_l = y_l[perm]
    X_l = centres[y_l] + 0.5 * torch.randn(len(y_l), d, generator=rng, dtype=torch.float64)
    pick = torch.randint(0, n_classes, (n_unlabeled,), generator=rng)
    X_u = centres[pick] + 1.5 * torch.randn(n_unlabeled, d, generator=rng, dtype=torch.float64)
    return X_l.numpy().astype(dtype), y_l.numpy().astype(np.int64), X_u.numpy().astype(dtype)


def _round_case(rng, dtype=np.float64, **kwargs):
    """A problem, its learner's arguments and a threshold that selects part of X_u.

    The learner's temperature is the first of a few that spreads the confidences (at least
    8 distinct values MARGIN apart): with well separated centres a small temperature makes
    every confidence round to 1.0, and no threshold could select part of X_u.
    """
    X_l, y_l, X_u = _problem(rng, dtype=dtype, **kwargs)
    n_classes = int(y_l.max()) + 1
    for temperature in (2.0, 8.0, 32.0, 128.0, 512.0, 2048.0):
        args = (n_classes, temperature)
        local = fixtures.centroid_learner(*args)
        confidence = local.predict_proba(local.fit(X_l, y_l), X_u).max(axis=1)
        values = np.unique(confidence.astype(np.float64))
        if int(np.sum(np.diff(values) > 4 * MARGIN)) >= 8:
            break
    threshold = _threshold_between(confidence, rng)
    return X_l, y_l, X_u, args, threshold


def _expected_round(ref, X_l, y_l, X_u, args, threshold):
    local = fixtures.centroid_learner(*args)
    return ref.self_training_round(local.fit, local.predict_proba, X_l, y_l, X_u, threshold)


def _learner_round(sub, X_l, y_l, X_u, args, threshold):
    kit = make(sub, LEARNER, *args)
    out = sub.self_training_round(kit.fit, kit.predict_proba, X_l, y_l, X_u, threshold)
    return _four(out, what="self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold)"), kit


# ------------------------------------------------------------------ select_pseudo_labels

@pytest.mark.points(2)
def test_threshold_is_inclusive(sub):
    # Values exact in binary: a confidence equal to the threshold is compared exactly.
    probs = np.array([[0.25, 0.75, 0.0],
                      [0.125, 0.125, 0.75],
                      [0.5, 0.25, 0.25],
                      [0.0, 0.0, 1.0],
                      [0.375, 0.625, 0.0]])
    for dtype in (np.float64, np.float32):
        what = f"select_pseudo_labels(probs ({dtype.__name__}), 0.75)"
        indices, _ = _pair(sub.select_pseudo_labels(probs.astype(dtype), 0.75), what=what)
        _same(indices, [0, 1, 3], what=f"the indices of {what}",
              why="A row is selected when its confidence max_k p_ik is >= the threshold: a row "
                  "exactly at the threshold is selected (use >=, not >).")


@pytest.mark.points(2)
def test_labels_are_argmax_with_ties_to_lowest_class(sub):
    probs = np.array([[0.4, 0.4, 0.2],
                      [0.1, 0.45, 0.45],
                      [0.3, 0.3, 0.4],
                      [0.5, 0.0, 0.5],
                      [0.05, 0.9, 0.05]])
    what = "select_pseudo_labels(probs, 0.3)"
    indices, labels = _pair(sub.select_pseudo_labels(probs, 0.3), what=what)
    _same(indices, [0, 1, 2, 3, 4], what=f"the indices of {what}",
          why="every row has a confidence above 0.3, so every row is selected.")
    _same(labels, [0, 1, 2, 0, 1], what=f"the labels of {what}",
          why="The pseudo-label is argmax_k p_ik, the most probable class; when two classes "
              "tie, the lowest class index wins (np.argmax's rule).")


@pytest.mark.points(2)
def test_selection_matches_on_random_probabilities(sub, ref, rng):
    for n, c, dtype in ((40, 3, np.float64), (57, 5, np.float32), (23, 2, np.float64)):
        probs = _random_probs(rng, n, c, dtype)
        threshold = _threshold_between(probs.max(axis=1), rng)
        what = f"select_pseudo_labels(probs of shape ({n}, {c}), {threshold:.4f})"
        indices, labels = _pair(sub.select_pseudo_labels(probs, threshold), what=what)
        want_i, want_l = ref.select_pseudo_labels(probs, threshold)
        _same(indices, want_i, what=f"the indices of {what}",
              why="select exactly the rows whose largest probability is >= threshold, in "
                  "ascending row order.")
        _same(labels, want_l, what=f"the labels of {what}",
              why="each selected row's label is the argmax of that row (over the classes, "
                  "axis 1), in the same order as the indices.")


def test_indices_and_labels_are_int64(sub, rng):
    probs = _random_probs(rng, 30, 4)
    threshold = _threshold_between(probs.max(axis=1), rng)
    what = "select_pseudo_labels(probs, threshold)"
    indices, labels = _pair(sub.select_pseudo_labels(probs, threshold), what=what)
    for name, value in (("indices", indices), ("labels", labels)):
        _array(value, what=f"the {name} of {what}")
        if value.dtype != np.int64:
            fail(f"the {name} of {what} have dtype {value.dtype}; both arrays must be int64 "
                 "(astype(np.int64)), so that they can index arrays and serve as class labels.")


def test_empty_selection_gives_empty_int64_arrays(sub, rng):
    probs = _random_probs(rng, 12, 3)
    for threshold in (1.5, float(probs.max()) + 0.01):
        what = f"select_pseudo_labels(probs, {threshold:.3f}) where no row reaches the threshold"
        indices, labels = _pair(sub.select_pseudo_labels(probs, threshold), what=what)
        for name, value in (("indices", indices), ("labels", labels)):
            _array(value, what=f"the {name} of {what}")
            if value.shape != (0,) or value.dtype != np.int64:
                fail(f"the {name} of {what} have shape {value.shape} and dtype {value.dtype}; "
                     "an empty selection is an empty int64 array of shape (0,) "
                     "(np.array([]) alone is float64).")


def test_select_does_not_modify_probs(sub, rng):
    probs = _random_probs(rng, 25, 3)
    threshold = _threshold_between(probs.max(axis=1), rng)
    held = make(sub, HELD, [probs])
    held.call(sub.select_pseudo_labels, "$held:0", threshold)
    if held.changed[0]:
        fail("select_pseudo_labels(probs, threshold) modified probs in place; work on new "
             "arrays (the caller may still need the probabilities).")


# ------------------------------------------------------------------ self_training_round

@pytest.mark.points(2)
def test_round_fits_on_labelled_and_predicts_on_unlabelled(sub, rng):
    X_l, y_l, X_u, args, threshold = _round_case(rng)
    (_, _, _, _), kit = _learner_round(sub, X_l, y_l, X_u, args, threshold)
    calls = kit.report
    ops = [c["op"] for c in calls]
    if ops != ["fit", "predict_proba"]:
        fail(f"one round of self-training called {ops or 'nothing'}; it must call fit once, on "
             "the labelled data, then predict_proba once, on the unlabelled data.")
    fit_call, predict_call = calls
    for name, got, want in (("X", fit_call["X"]["data"], X_l), ("y", fit_call["y"]["data"], y_l)):
        if got is None or got.shape != want.shape or not np.array_equal(got, want):
            fail(f"fit was called with an {name} that is not the labelled set's; fit the model "
                 "on (X_l, y_l) exactly as given.")
    got = predict_call["X"]["data"]
    if got is None or got.shape != X_u.shape or not np.array_equal(got, X_u):
        fail("predict_proba was called on something other than X_u; predict on the unlabelled "
             "rows only (all of them, in their order).")
    if predict_call["model"] is None:
        fail("predict_proba was not given the model that fit returned.")


@pytest.mark.points(2)
def test_round_appends_selected_rows_after_labelled_rows(sub, ref, rng):
    for n_u, d in ((31, 2), (18, 3)):
        X_l, y_l, X_u, args, threshold = _round_case(rng, n_unlabeled=n_u, d=d)
        (X_new, y_new, _, _), _ = _learner_round(sub, X_l, y_l, X_u, args, threshold)
        want = _expected_round(ref, X_l, y_l, X_u, args, threshold)
        why = ("The original labelled rows come first, unchanged; the selected unlabelled rows "
               "follow in ascending original index, each with its pseudo-label.")
        _same(X_new, want[0], what="X_l_new of self_training_round", why=why)
        _same(y_new, want[1], what="y_l_new of self_training_round", why=why)


@pytest.mark.points(2)
def test_round_removes_selected_rows_and_keeps_order(sub, ref, rng):
    for n_u, d in ((31, 2), (26, 4)):
        X_l, y_l, X_u, args, threshold = _round_case(rng, n_unlabeled=n_u, d=d)
        (X_new, _, X_rest, _), _ = _learner_round(sub, X_l, y_l, X_u, args, threshold)
        want = _expected_round(ref, X_l, y_l, X_u, args, threshold)
        _same(X_rest, want[2], what="X_u_rest of self_training_round",
              why="The selected rows leave X_u; the rows that stay keep their original order.")
        got_new = _array(X_new, what="X_l_new of self_training_round")
        if got_new.shape[0] + len(X_rest) != len(X_l) + len(X_u):
            fail("self_training_round lost or duplicated rows: |X_l_new| + |X_u_rest| must "
                 "equal |X_l| + |X_u| (every unlabelled row ends up in exactly one of them).")
    # A threshold equal to one row's confidence (the sandbox's learner computes the same
    # float64 value): that row is selected, so it must leave X_u. Only the partition is
    # tested here; whether it is selected at all is threshold_is_inclusive's business.
    X_l, y_l, X_u, args, _ = _round_case(rng, n_unlabeled=23, d=3)
    local = fixtures.centroid_learner(*args)
    confidence = local.predict_proba(local.fit(X_l, y_l), X_u).max(axis=1)
    inner = np.flatnonzero((confidence > confidence.min()) & (confidence < confidence.max()))
    at = float(confidence[inner[len(inner) // 2]] if len(inner) else confidence[0])
    (X_new, _, X_rest, _), _ = _learner_round(sub, X_l, y_l, X_u, args, at)
    # As multisets of rows, whatever the order: X_l_new + X_u_rest == X_l + X_u.
    got_new = _array(X_new, what="X_l_new of self_training_round").reshape(-1, X_u.shape[1])
    rest = _array(X_rest, what="X_u_rest of self_training_round").reshape(-1, X_u.shape[1])
    got = np.concatenate([got_new.numpy(), rest.numpy()])
    want = np.concatenate([X_l, X_u]).astype(np.float64)
    if len(got) != len(want) or not np.array_equal(
            np.unique(got, axis=0, return_counts=True)[1],
            np.unique(want, axis=0, return_counts=True)[1]) or not np.array_equal(
            np.unique(got, axis=0), np.unique(want, axis=0)):
        fail("with a threshold equal to one row's confidence, the rows of X_u were not split "
             "into the moved rows and X_u_rest with each row in exactly one of them: a row "
             "exactly at the threshold is selected (>=), so it leaves X_u. Build X_u_rest from "
             "the rows that were *not* selected (e.g. a mask from the selected indices).")


def test_round_returns_the_fitted_model(sub, rng):
    X_l, y_l, X_u, args, threshold = _round_case(rng)
    (_, _, _, model), kit = _learner_round(sub, X_l, y_l, X_u, args, threshold)
    calls = kit.report
    fitted = [c for c in calls if c["op"] == "predict_proba"]
    try:
        ident = model.ident
    except Exception:  # noqa: BLE001 - not a model object
        ident = None
    if ident is None or not fitted or ident != fitted[-1]["model"]:
        fail("the fourth value self_training_round returns must be the model that fit returned "
             "(the one used for predict_proba), so the caller can use it or start the next round.")


def test_no_selection_changes_nothing(sub, rng):
    X_l, y_l, X_u, args, _ = _round_case(rng)
    for threshold in (1.01, 2.0):
        (X_new, y_new, X_rest, _), _ = _learner_round(sub, X_l, y_l, X_u, args, threshold)
        why = ("No probability exceeds 1, so nothing is selected and the three sets come back "
               "unchanged.")
        _same(X_new, X_l, what=f"X_l_new with threshold {threshold}", why=why)
        _same(y_new, y_l, what=f"y_l_new with threshold {threshold}", why=why)
        _same(X_rest, X_u, what=f"X_u_rest with threshold {threshold}", why=why)


def test_round_keeps_dtypes(sub, rng):
    for dtype in (np.float32, np.float64):
        X_l, y_l, X_u, args, threshold = _round_case(rng, dtype=dtype)
        (X_new, y_new, X_rest, _), _ = _learner_round(sub, X_l, y_l, X_u, args, threshold)
        for name, value, want in (("X_l_new", X_new, dtype), ("X_u_rest", X_rest, dtype),
                                  ("y_l_new", y_new, np.int64)):
            _array(value, what=f"{name} of self_training_round")
            if value.dtype != want:
                fail(f"{name} of self_training_round (X of dtype {np.dtype(dtype).name}) has "
                     f"dtype {value.dtype}, expected {np.dtype(want).name}: the features keep "
                     "X's dtype and the labels are int64.")


def test_round_does_not_modify_inputs(sub, rng):
    X_l, y_l, X_u, args, threshold = _round_case(rng)
    kit = make(sub, LEARNER, *args)
    held = make(sub, HELD, [X_l, y_l, X_u])
    held.call(sub.self_training_round, kit.fit, kit.predict_proba, "$held:0", "$held:1",
              "$held:2", threshold)
    for name, changed in zip(("X_l", "y_l", "X_u"), held.changed):
        if changed:
            fail(f"self_training_round modified {name} in place; build new arrays "
                 "(np.concatenate, boolean masks) and leave the caller's arrays alone.")
