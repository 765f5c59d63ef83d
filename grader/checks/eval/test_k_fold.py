"""Hidden checks for exercises/eval/k_fold.py (K-fold cross-validation, d2l's house prices).

Index oracles are brute force here (a row's fold is row // fold_size). The ``train_and_eval``
callback is the public :class:`grader.sandbox.fixtures.data.FoldRecorder`, built in the
sandbox with ``make``: it records the four parts of every call and returns errors computed
from them; the checker builds its own recorder to run the reference on the same data.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.asserts import assert_close, assert_number, assert_unchanged, expect_raises, fail
from grader.sandbox.fixtures import data as fixtures
from grader.sandbox.host import make

RECORDER = "grader.sandbox.fixtures.data:fold_recorder"
HELD = "grader.sandbox.fixtures.data:Held"

CASES = [(23, 5), (10, 3), (12, 4), (7, 2), (31, 6)]
"""(n, k) pairs: most leave a remainder n % k, one divides evenly."""


def _array(actual, *, what, why=""):
    if not isinstance(actual, np.ndarray):
        kind = "None (did you forget `return`?)" if actual is None else type(actual).__name__
        fail(f"{what} returned {kind}, not a numpy array. {why}".strip())
    return torch.from_numpy(np.asarray(actual, dtype=np.float64).copy())


def _same(actual, expected, *, what, why):
    got = _array(actual, what=what, why=why)
    want = torch.tensor(list(expected), dtype=torch.float64)
    assert_close(got, want, what=what, why=why, rtol=0.0, atol=0.0, check_dtype=False)


def _pair(result, *, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} must return a tuple (train_idx, valid_idx) of two numpy arrays.")
    return result


def _oracle(n, k, i, keep_remainder):
    fs = n // k
    fold = [r // fs if r < k * fs else None for r in range(n)]
    valid = [r for r in range(n) if fold[r] == i]
    train = [r for r in range(n) if fold[r] != i and (fold[r] is not None or keep_remainder)]
    return train, valid


def _data(rng, n, d=3):
    X = torch.randn(n, d, generator=rng, dtype=torch.float64)
    w = torch.randn(d, generator=rng, dtype=torch.float64)
    y = X @ w + 0.3 * torch.randn(n, generator=rng, dtype=torch.float64)
    return X.numpy(), y.numpy()


# ------------------------------------------------------------------ k_fold_indices

@pytest.mark.points(2)
def test_validation_fold_is_the_ith_block(sub):
    for n, k in CASES:
        for i in range(k):
            what = f"k_fold_indices({n}, {k}, {i})"
            _, valid = _pair(sub.k_fold_indices(n, k, i), what=what)
            _same(valid, _oracle(n, k, i, False)[1], what=f"the validation indices of {what}",
                  why="With fold size n // k, fold i validates on rows i*fs .. (i+1)*fs - 1, in "
                      "order, without shuffling.")


@pytest.mark.points(2)
def test_default_drops_the_remainder(sub):
    for n, k in CASES:
        for i in range(k):
            what = f"k_fold_indices({n}, {k}, {i})"
            train, _ = _pair(sub.k_fold_indices(n, k, i), what=what)
            _same(train, _oracle(n, k, i, False)[0], what=f"the training indices of {what}",
                  why="By default (d2l-zh's get_k_fold_data) the training rows are the other "
                      "k - 1 folds in order; the last n % k rows (from k * (n // k) on) are in "
                      "no fold and never used.")


@pytest.mark.points(2)
def test_keep_remainder_trains_on_every_other_row(sub):
    for n, k in CASES:
        for i in range(k):
            what = f"k_fold_indices({n}, {k}, {i}, keep_remainder=True)"
            train, valid = _pair(sub.k_fold_indices(n, k, i, keep_remainder=True), what=what)
            want_train, want_valid = _oracle(n, k, i, True)
            _same(valid, want_valid, what=f"the validation indices of {what}",
                  why="keep_remainder changes only the training rows; fold i still validates on "
                      "rows i*fs .. (i+1)*fs - 1.")
            _same(train, want_train, what=f"the training indices of {what}",
                  why="With keep_remainder=True (d2l-en's k_fold_data) the model trains on every "
                      "row outside the validation fold, in order, the last n % k rows included.")


def test_leave_one_out(sub):
    n = 9
    for i in (0, 4, 8):
        for keep in (False, True):
            what = f"k_fold_indices({n}, {n}, {i}, keep_remainder={keep})"
            train, valid = _pair(sub.k_fold_indices(n, n, i, keep_remainder=keep), what=what)
            _same(valid, [i], what=f"the validation indices of {what}",
                  why="k = n is leave-one-out: every fold holds exactly one row, fold i row i.")
            _same(train, [r for r in range(n) if r != i], what=f"the training indices of {what}",
                  why="k = n leaves no remainder: train on the other n - 1 rows.")


def test_indices_are_int64_arrays(sub):
    for args in ((23, 5, 2, False), (23, 5, 4, True), (8, 4, 0, False)):
        what = "k_fold_indices({}, {}, {}, keep_remainder={})".format(*args)
        train, valid = _pair(sub.k_fold_indices(*args), what=what)
        for name, value in (("training", train), ("validation", valid)):
            _array(value, what=f"the {name} indices of {what}")
            if value.dtype != np.int64:
                fail(f"the {name} indices of {what} have dtype {value.dtype}; return int64 arrays "
                     "(np.arange(...) or .astype(np.int64)), which index any array or tensor.")


def test_rejects_k_outside_two_to_n(sub):
    for n, k in ((10, 1), (10, 0), (10, -3), (5, 6)):
        expect_raises(ValueError, sub.k_fold_indices, n, k, 0,
                      what=f"k_fold_indices({n}, {k}, 0)",
                      why="K-fold needs 2 <= k <= n: k = 1 leaves nothing to train on, and k > n "
                          "gives empty folds (d2l only asserts k > 1).")


def test_rejects_fold_out_of_range(sub):
    for n, k, i in ((10, 5, 5), (10, 5, -1), (12, 3, 7)):
        expect_raises(ValueError, sub.k_fold_indices, n, k, i,
                      what=f"k_fold_indices({n}, {k}, {i})",
                      why="the fold number i must be one of 0 .. k - 1.")


# ------------------------------------------------------------------ k_fold_score

def _score(sub, X, y, k):
    recorder = make(sub, RECORDER)
    out = sub.k_fold_score(recorder, X, y, k)
    return out, recorder


def _expected_score(ref, X, y, k):
    return ref.k_fold_score(fixtures.fold_recorder(), X, y, k)


@pytest.mark.points(2)
def test_score_is_the_mean_of_the_fold_errors(sub, ref, rng):
    # Leave-one-out (k = n) has its own check; these cases keep a refusal of k = n out of it.
    for n, k in ((23, 5), (12, 4), (11, 2)):
        X, y = _data(rng, n)
        out, _ = _score(sub, X, y, k)
        what = f"k_fold_score(train_and_eval, X ({n} rows), y, {k})"
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            fail(f"{what} must return a tuple (mean training error, mean validation error).")
        want = _expected_score(ref, X, y, k)
        for j, name in enumerate(("training", "validation")):
            # A numpy scalar (np.float32) is judged by score_returns_python_floats, not here.
            value = float(out[j]) if isinstance(out[j], (np.integer, np.floating)) else out[j]
            assert_number(value, want[j], what=f"the mean {name} error of {what}",
                          why="The score is the average over the k folds of the (training, "
                              "validation) errors train_and_eval returns: sum them and divide "
                              "by k.", rel=1e-7, abs_tol=1e-10)


@pytest.mark.points(2)
def test_score_passes_each_fold_once_in_order(sub, ref, rng):
    n, k = 23, 5
    X, y = _data(rng, n)
    _, recorder = _score(sub, X, y, k)
    calls = recorder.report
    if len(calls) != k:
        fail(f"k_fold_score(train_and_eval, X, y, {k}) called train_and_eval {len(calls)} times; "
             f"call it once per fold, k = {k} times.")
    for i, call in enumerate(calls):
        train, valid = _oracle(n, k, i, False)
        for part, rows, source in (("X_train", train, X), ("y_train", train, y),
                                   ("X_valid", valid, X), ("y_valid", valid, y)):
            got = call[part]["data"]
            want = source[rows]
            if got is None or got.shape != want.shape or not np.array_equal(got, want):
                fail(f"call {i} of train_and_eval got a {part} that is not fold {i}'s: call "
                     "train_and_eval(X_train, y_train, X_valid, y_valid) for folds i = 0 .. k-1 "
                     "in order, with the rows of k_fold_indices(n, k, i) (the remainder "
                     "dropped, as in d2l-zh).")


def test_score_gives_parts_of_the_input_kind(sub, rng):
    n, k = 14, 3
    X, y = _data(rng, n)
    for kind, Xk, yk, want in (("numpy arrays", X, y, "numpy.ndarray"),
                               ("tensors", torch.from_numpy(X), torch.from_numpy(y), "torch.Tensor"),
                               ("lists", X.tolist(), y.tolist(), "builtins.list")):
        _, recorder = _score(sub, Xk, yk, k)
        calls = recorder.report
        if not calls:
            fail(f"k_fold_score with X and y as {kind} never called train_and_eval.")
        for part in ("X_train", "y_train", "X_valid", "y_valid"):
            got = calls[0][part]["type"]
            if got != want:
                fail(f"with X and y as {kind}, train_and_eval received {part} as {got}; give it "
                     f"the selected rows in the input's own kind ({want}), so that a training "
                     "function written for tensors gets tensors.")


def test_score_returns_python_floats(sub, rng):
    X, y = _data(rng, 10)
    out, _ = _score(sub, torch.from_numpy(X), torch.from_numpy(y), 5)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        fail("k_fold_score must return a tuple (mean training error, mean validation error).")
    for value, name in zip(out, ("training", "validation")):
        if isinstance(value, bool) or not isinstance(value, float):
            fail(f"the mean {name} error of k_fold_score is a {type(value).__name__}; return "
                 "Python floats (float(...)).")


def test_score_does_not_modify_inputs(sub, rng):
    X, y = _data(rng, 13)
    Xt, yt = torch.from_numpy(X.copy()), torch.from_numpy(y.copy())
    before = (Xt.clone(), yt.clone())
    recorder = make(sub, RECORDER)
    sub.k_fold_score(recorder, Xt, yt, 4)
    assert_unchanged(before[0], Xt, what="k_fold_score(train_and_eval, X, y, 4) with tensors (X)")
    assert_unchanged(before[1], yt, what="k_fold_score(train_and_eval, X, y, 4) with tensors (y)")
    held = make(sub, HELD, [X, y])
    held.call(sub.k_fold_score, make(sub, RECORDER), "$held:0", "$held:1", 4)
    for name, changed in zip(("X", "y"), held.changed):
        if changed:
            fail(f"k_fold_score modified {name} in place (numpy input); select rows into new "
                 "arrays and leave the caller's data alone.")
