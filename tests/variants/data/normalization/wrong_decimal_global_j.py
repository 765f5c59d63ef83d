# expect: failed decimal_scaling_boundaries, decimal_scaling_values
"""One j for the whole array (from the global max |x|) instead of one per column."""
"""Reference solution for exercises/data/normalization.py."""

import numpy as np


def _float(x):
    # A new float64 array: the caller's array is never written to, and ints become floats.
    return np.array(x, dtype=np.float64)


def min_max(x, new_min=0.0, new_max=1.0):
    x = _float(x)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    # A constant column has span 0: dividing by 1 instead maps every value to new_min.
    scaled = (x - lo) / np.where(span == 0, 1.0, span)
    return scaled * (new_max - new_min) + new_min


def z_score(x, ddof=0):
    x = _float(x)
    mu = x.mean(axis=0)
    sigma = np.sqrt(((x - mu) ** 2).sum(axis=0) / (x.shape[0] - ddof))
    centred = x - mu
    return np.where(sigma == 0, 0.0, centred / np.where(sigma == 0, 1.0, sigma))


def decimal_scaling(x):
    x = _float(x)
    m = np.full(x.shape[1], np.abs(x).max())
    j = np.zeros(m.shape, dtype=np.int64)
    # Count powers of ten until every |x| / 10**j is strictly below 1; exact on the boundary
    # (1000 / 10**3 == 1.0 is not < 1, so 1000 needs j = 4), where log10 could round.
    while np.any(m / 10.0 ** j >= 1):
        j += (m / 10.0 ** j >= 1)
    return x / 10.0 ** j, j


def log_scaling(x):
    x = _float(x)
    if np.any(x <= 0):
        raise ValueError("log scaling needs positive values; shift or clip the data first")
    return np.log(x)


def standardize_like_d2l(x):
    x = _float(x)
    # pandas' mean and std skip NaN, and std divides by n - 1 (ddof = 1).
    count = np.sum(~np.isnan(x), axis=0)
    mean = np.nansum(x, axis=0) / np.where(count == 0, 1, count)
    sq = np.nansum((x - mean) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.sqrt(sq / (count - 1))
        out = (x - mean) / std
    # Only now fill NaN with 0: a missing value becomes the column's mean. A constant column
    # (0 / 0) or one with fewer than two numbers (std undefined) also becomes 0, as in d2l.
    out[np.isnan(out)] = 0.0
    return out
