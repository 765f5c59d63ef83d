"""Hidden checks for exercises/data/normalization.py (column-wise data transformations).

Oracles are computed here, column by column, in float64 with plain numpy; the golden
cases use values that are exact in binary. Whether an input was changed in place is read
from the public fixture :class:`grader.sandbox.fixtures.data.Held` (numpy arrays otherwise
cross to the sandbox as copies).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.asserts import assert_close, expect_raises, fail
from grader.sandbox.host import make

HELD = "grader.sandbox.fixtures.data:Held"


# ------------------------------------------------------------------ helpers

def _array(actual, *, what, why=""):
    if not isinstance(actual, np.ndarray):
        kind = "None (did you forget `return`?)" if actual is None else type(actual).__name__
        fail(f"{what} returned {kind}, not a numpy array. {why}".strip())
    return torch.from_numpy(np.asarray(actual, dtype=np.float64).copy())


def _close(actual, expected, *, what, why, rtol=1e-10, atol=1e-12):
    """Shape and values in float64 (the dtype is the dtype check's)."""
    got = _array(actual, what=what, why=why)
    want = torch.from_numpy(np.asarray(expected, dtype=np.float64).copy())
    assert_close(got, want, what=what, why=why, rtol=rtol, atol=atol, check_dtype=False)


def _pair(result, *, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} must return a tuple (scaled, j) of two numpy arrays.")
    return result


def _columns(rng, n, scales, offsets):
    """An (n, d) float64 array whose columns have very different scales and offsets."""
    z = torch.randn(n, len(scales), generator=rng, dtype=torch.float64).numpy()
    return z * np.array(scales) + np.array(offsets)


def _per_column(fn, x):
    """Apply a 1-D oracle to each column separately (so columns cannot leak into each other)."""
    return np.stack([fn(x[:, c]) for c in range(x.shape[1])], axis=1)


def _min_max_1d(v, a, b):
    lo, hi = min(v.tolist()), max(v.tolist())
    if hi == lo:
        return np.full(len(v), float(a))
    return np.array([(t - lo) / (hi - lo) * (b - a) + a for t in v.tolist()])


def _z_1d(v, ddof):
    n = len(v)
    mu = sum(v.tolist()) / n
    sigma = (sum((t - mu) ** 2 for t in v.tolist()) / (n - ddof)) ** 0.5
    return np.zeros(n) if sigma == 0 else np.array([(t - mu) / sigma for t in v.tolist()])


def _d2l_1d(v):
    nums = [t for t in v.tolist() if not np.isnan(t)]
    if len(nums) < 2:
        return np.zeros(len(v))
    mu = sum(nums) / len(nums)
    sd = (sum((t - mu) ** 2 for t in nums) / (len(nums) - 1)) ** 0.5
    if sd == 0:
        return np.zeros(len(v))
    return np.array([0.0 if np.isnan(t) else (t - mu) / sd for t in v.tolist()])


# ------------------------------------------------------------------ min-max

@pytest.mark.points(2)
def test_min_max_golden_values(sub):
    x = np.array([[1.0, -4.0], [3.0, 0.0], [5.0, 4.0], [2.0, 2.0]])
    _close(sub.min_max(x), [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [0.25, 0.75]],
           what="min_max(x) with the default range [0, 1]",
           why="x' = (x - min) / (max - min) per column: the smallest value of a column maps "
               "to 0, its largest to 1.")
    _close(sub.min_max(x, -1.0, 1.0), [[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0], [-0.5, 0.5]],
           what="min_max(x, -1.0, 1.0)",
           why="x' = (x - min) / (max - min) * (new_max - new_min) + new_min.")


@pytest.mark.points(2)
def test_min_max_works_per_column(sub, rng):
    for n, scales, offsets, (a, b) in ((17, [1.0, 1000.0, 0.01], [0.0, 5e3, -2.0], (0.0, 1.0)),
                                        (9, [3.0, 0.5], [-10.0, 10.0], (-2.0, 3.0))):
        x = _columns(rng, n, scales, offsets)
        want = _per_column(lambda v: _min_max_1d(v, a, b), x)
        _close(sub.min_max(x, a, b), want, what=f"min_max(x of shape {x.shape}, {a}, {b})",
               why="Each column uses its own min and max (reduce over axis 0, the rows): a "
                   "column on another scale must not change the others.")


def test_min_max_constant_column_maps_to_new_min(sub, rng):
    x = _columns(rng, 6, [1.0, 1.0], [0.0, 0.0])
    x[:, 1] = 2.5
    got = _array(sub.min_max(x, 0.25, 4.0), what="min_max(x, 0.25, 4.0)")
    _close((got[:, 1] if got.dim() == 2 else got).numpy(), np.full(6, 0.25),
           what="column 1 of min_max(x, 0.25, 4.0), a constant column",
           why="A constant column has max - min = 0; it maps to new_min (no 0/0 = NaN).")


# ------------------------------------------------------------------ z-score

@pytest.mark.points(2)
def test_z_score_works_per_column(sub, rng):
    for n, scales, offsets in ((15, [1.0, 200.0, 0.1], [3.0, -1e3, 0.0]), (8, [2.0, 7.0], [0.0, 1.0])):
        x = _columns(rng, n, scales, offsets)
        _close(sub.z_score(x), _per_column(lambda v: _z_1d(v, 0), x),
               what=f"z_score(x of shape {x.shape})",
               why="x' = (x - mean) / std per column, with the population std "
                   "sqrt(sum((x - mean)^2) / n) by default (ddof = 0).", rtol=1e-9, atol=1e-10)


def test_z_score_uses_ddof(sub, rng):
    x = _columns(rng, 7, [1.0, 50.0], [2.0, 0.0])
    _close(sub.z_score(x, ddof=1), _per_column(lambda v: _z_1d(v, 1), x),
           what="z_score(x, ddof=1)",
           why="ddof is subtracted from the row count in the variance: sum((x - mean)^2) / (n - ddof).",
           rtol=1e-9, atol=1e-10)
    _close(sub.z_score(x, 0), _per_column(lambda v: _z_1d(v, 0), x),
           what="z_score(x, 0) (ddof passed by position)", why="ddof = 0 divides by n.",
           rtol=1e-9, atol=1e-10)


def test_z_score_constant_column_maps_to_zero(sub, rng):
    x = _columns(rng, 8, [1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    x[:, 0] = -3.0
    got = _array(sub.z_score(x), what="z_score(x)")
    _close((got[:, 0] if got.dim() == 2 else got).numpy(), np.zeros(8),
           what="column 0 of z_score(x), a constant column",
           why="A constant column has std 0: it maps to 0 (no 0/0 = NaN).")


# ------------------------------------------------------------------ decimal scaling

@pytest.mark.points(2)
def test_decimal_scaling_boundaries(sub):
    # One column per case: max |x| = 0.5, 1.0, 99, 100, 999.9, 1000, and 1000 reached by a
    # negative value; then an all-zero column and one whose max |x| is below 0.1 (j stays 0:
    # floor(log10(m)) + 1 would give -1 there).
    x = np.array([[0.5, 1.0, 99.0, 100.0, 999.9, 1000.0, -1000.0, 0.0, 0.0625],
                  [-0.25, 0.5, 3.0, -20.0, 1.0, 7.0, 250.0, 0.0, -0.03125],
                  [0.0, -0.75, -42.0, 5.0, -3.5, -999.0, 999.0, 0.0, 0.0]])
    scaled, j = _pair(sub.decimal_scaling(x), what="decimal_scaling(x)")
    _close(j, [0, 1, 2, 3, 3, 4, 4, 0, 0],
           what="the j that decimal_scaling(x) returns for columns with max |x| = 0.5, 1, 99, "
                "100, 999.9, 1000, 1000 (from a negative value), 0 and 0.0625",
           why="j is the smallest integer >= 0 with max |x| / 10^j < 1, strictly: a column whose "
               "largest |x| is exactly 1, 100 or 1000 needs one more power of ten (the note writes "
               "<= 1, but the standard definition is strict). Negative values count through |x|, "
               "an all-zero column has j = 0, and j is never negative: a column already below 1 "
               "(0.0625) is not scaled up.")


def test_decimal_scaling_values(sub, rng):
    x = _columns(rng, 11, [0.3, 40.0, 2e4, 1.0], [0.0, 0.0, 0.0, 0.0])
    x[:, 3] = 0.0
    scaled, j = _pair(sub.decimal_scaling(x), what="decimal_scaling(x)")
    m = np.abs(x).max(axis=0)
    want_j = np.array([next(k for k in range(40) if mk / 10.0 ** k < 1) for mk in m.tolist()])
    _close(scaled, x / 10.0 ** want_j, what="the scaled values of decimal_scaling(x)",
           why="x' = x / 10^j with each column's own j, so that every |x'| < 1; signs are kept.")


# ------------------------------------------------------------------ log

def test_log_scaling_values(sub, rng):
    x = np.exp(_columns(rng, 10, [1.0, 3.0], [0.0, 5.0]))
    _close(sub.log_scaling(x), np.log(x), what="log_scaling(x)",
           why="x' = ln x (the natural logarithm), element by element.", rtol=1e-12, atol=1e-12)


def test_log_scaling_rejects_non_positive_values(sub):
    for bad, name in ((0.0, "a 0"), (-2.0, "a negative value")):
        x = np.array([[1.0, 2.0], [bad, 3.0], [4.0, 5.0]])
        expect_raises(ValueError, sub.log_scaling, x, what=f"log_scaling(x) with {name}",
                      why="ln x is defined only for x > 0; raise ValueError instead of returning "
                          "-inf or NaN.")


# ------------------------------------------------------------------ d2l

def test_d2l_standardization_uses_sample_std(sub, rng):
    x = _columns(rng, 9, [1.0, 30.0, 0.2], [4.0, -50.0, 1.0])
    _close(sub.standardize_like_d2l(x), _per_column(_d2l_1d, x),
           what="standardize_like_d2l(x) without missing values",
           why="d2l standardizes with pandas' x.std(), which divides by n - 1 (ddof = 1), not by n.",
           rtol=1e-9, atol=1e-10)


@pytest.mark.points(2)
def test_d2l_standardization_skips_nan_then_fills_zero(sub, rng):
    x = _columns(rng, 12, [1.0, 10.0, 3.0], [0.0, 100.0, -5.0])
    drop = torch.rand(12, 3, generator=rng).numpy() < 0.3
    drop[0] = [True, False, False]
    drop[1] = [False, True, False]
    x[drop] = np.nan
    _close(sub.standardize_like_d2l(x), _per_column(_d2l_1d, x),
           what="standardize_like_d2l(x) with missing values (NaN)",
           why="The mean and the std skip the NaN (count only the numbers present); only after "
               "standardizing is each NaN set to 0, which is the column mean. Filling with 0 "
               "first would drag the mean and the std towards 0.", rtol=1e-9, atol=1e-10)


def test_d2l_constant_column_becomes_zeros(sub, rng):
    x = _columns(rng, 6, [1.0, 1.0], [0.0, 0.0])
    x[:, 1] = 4.0
    x[2, 1] = np.nan
    got = _array(sub.standardize_like_d2l(x), what="standardize_like_d2l(x)")
    _close((got[:, 1] if got.dim() == 2 else got).numpy(), np.zeros(6),
           what="column 1 of standardize_like_d2l(x), a constant column (with one NaN)",
           why="A constant column gives (x - mean) / 0 = 0 / 0 = NaN, which the fill turns into "
               "0 as in d2l: the whole column becomes 0, never NaN or inf.")


# ------------------------------------------------------------------ dtypes and inputs

FUNCTIONS = ["min_max", "z_score", "decimal_scaling", "log_scaling", "standardize_like_d2l"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_returns_float64(sub, rng, name):
    base = np.abs(_columns(rng, 6, [2.0, 30.0], [0.0, 0.0])) + 1.0
    for x in (base.astype(np.float32), np.round(base).astype(np.int64)):
        what = f"{name}(x of dtype {x.dtype})"
        out = getattr(sub, name)(x)
        if name == "decimal_scaling":
            out, j = _pair(out, what=what)
            _array(j, what=f"the j of {what}")
            if not np.issubdtype(j.dtype, np.integer):
                fail(f"the j of {what} has dtype {j.dtype}; j counts powers of ten, an integer "
                     "array (int64) with one entry per column.")
        _array(out, what=what)
        if out.dtype != np.float64:
            fail(f"{what} returned dtype {out.dtype}; every transformation returns float64, "
                 "whatever the input's dtype (convert first, e.g. np.asarray(x, dtype=np.float64)).")


@pytest.mark.points(2)
def test_does_not_modify_input(sub, rng):
    base = np.abs(_columns(rng, 7, [2.0, 30.0, 0.5], [0.0, 0.0, 0.0])) + 0.5
    with_nan = base.copy()
    with_nan[1, 0] = with_nan[4, 2] = np.nan
    for name, x in (("min_max", base), ("z_score", base), ("decimal_scaling", base),
                    ("log_scaling", base), ("standardize_like_d2l", with_nan)):
        held = make(sub, HELD, [x])
        held.call(getattr(sub, name), "$held:0")
        if held.changed[0]:
            fail(f"{name}(x) modified x in place; work on a new array (np.array(x, dtype=float) "
                 "copies) and leave the caller's data alone.")
