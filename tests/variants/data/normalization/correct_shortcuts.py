# expect: passed
"""Correct, written differently: np.ptp and nan_to_num, E[x^2] - E[x]^2, digit counting, a loop per column."""
import numpy as np


def min_max(x, new_min=0.0, new_max=1.0):
    x = np.array(x, dtype=float)
    lo = np.min(x, axis=0, keepdims=True)
    span = np.ptp(x, axis=0, keepdims=True)
    with np.errstate(invalid="ignore"):
        s = np.nan_to_num((x - lo) / span)
    return new_min + s * (new_max - new_min)


def z_score(x, ddof=0):
    x = np.array(x, dtype=float)
    n = len(x)
    mu = x.mean(0)
    var = ((x * x).mean(0) - mu * mu) * n / (n - ddof)
    var = np.maximum(var, 0)
    out = np.zeros_like(x)
    ok = np.ptp(x, axis=0) > 0
    out[:, ok] = (x[:, ok] - mu[ok]) / np.sqrt(var[ok])
    return out


def decimal_scaling(x):
    x = np.array(x, dtype=float)
    js = []
    for col in x.T:
        m = float(np.max(np.abs(col)))
        js.append(0 if m < 1 else len(str(int(m))))
    j = np.array(js, dtype=np.int64)
    return x / np.power(10.0, j), j


def log_scaling(x):
    x = np.array(x, dtype=float)
    if (x > 0).all():
        return np.log(x)
    raise ValueError("non-positive")


def standardize_like_d2l(x):
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    for c in range(x.shape[1]):
        col = x[:, c]
        v = col[~np.isnan(col)]
        if len(v) < 2 or np.all(v == v[0]):
            continue
        z = (col - v.mean()) / v.std(ddof=1)
        out[:, c] = np.where(np.isnan(z), 0.0, z)
    return out
