# expect: passed
"""Correct, written differently: keepdims statistics, np.ptp, np.nanmean/np.nanstd, a
log10-based j for decimal scaling, np.nan_to_num for the fill."""
import numpy as np


def min_max(x, new_min=0.0, new_max=1.0):
    x = np.asarray(x).astype(np.float64)
    span = np.ptp(x, axis=0, keepdims=True)
    unit = np.divide(x - x.min(axis=0, keepdims=True), span, out=np.zeros_like(x),
                     where=span != 0)
    return new_min + unit * (new_max - new_min)


def z_score(x, ddof=0):
    x = np.asarray(x).astype(np.float64)
    std = x.std(axis=0, ddof=ddof, keepdims=True)
    return np.divide(x - x.mean(axis=0, keepdims=True), std, out=np.zeros_like(x),
                     where=std != 0)


def decimal_scaling(x):
    x = np.asarray(x).astype(np.float64)
    m = np.abs(x).max(axis=0)
    with np.errstate(divide="ignore"):
        j = np.where(m >= 1, np.floor(np.log10(np.where(m > 0, m, 1.0))) + 1, 0).astype(np.int64)
    return x / np.power(10.0, j), j


def log_scaling(x):
    x = np.asarray(x).astype(np.float64)
    if np.min(x) <= 0:
        raise ValueError("ln x needs x > 0")
    return np.log(x)


def standardize_like_d2l(x):
    x = np.asarray(x).astype(np.float64)
    import warnings
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        out = (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1)
    return np.nan_to_num(out, nan=0.0)
