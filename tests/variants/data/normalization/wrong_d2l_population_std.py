# expect: failed only d2l_standardization_uses_sample_std, d2l_standardization_skips_nan_then_fills_zero
"""Divides by n instead of pandas' n - 1."""
import numpy as np


def _float(x):
    return np.array(x, dtype=np.float64)


def min_max(x, new_min=0.0, new_max=1.0):
    x = _float(x)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
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
    m = np.abs(x).max(axis=0)
    j = np.zeros(m.shape, dtype=np.int64)
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
    count = np.sum(~np.isnan(x), axis=0)
    mean = np.nansum(x, axis=0) / np.where(count == 0, 1, count)
    sq = np.nansum((x - mean) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.sqrt(sq / count)
        out = (x - mean) / std
    out[np.isnan(out)] = 0.0
    return out
