# expect: passed
"""In d2l's style: every transformation is a lambda applied to one column at a time (like
d2l's all_features[numeric].apply(lambda x: (x - x.mean()) / x.std())), with pandas'
mean/std rules spelled out in numpy, then the NaN filled with 0 afterwards (d2l's fillna(0))."""
import numpy as np


def _apply(fn, x):
    x = np.array(x, dtype=np.float64)
    return np.stack([fn(x[:, c]) for c in range(x.shape[1])], axis=1)


def min_max(x, new_min=0.0, new_max=1.0):
    def one(col):
        if col.max() == col.min():
            return np.full_like(col, new_min)
        return (col - col.min()) / (col.max() - col.min()) * (new_max - new_min) + new_min
    return _apply(one, x)


def z_score(x, ddof=0):
    def one(col):
        std = col.std(ddof=ddof)
        return np.zeros_like(col) if std == 0 else (col - col.mean()) / std
    return _apply(one, x)


def decimal_scaling(x):
    x = np.array(x, dtype=np.float64)
    js = []
    for c in range(x.shape[1]):
        j = 0
        while np.abs(x[:, c]).max() / 10 ** j >= 1:
            j += 1
        js.append(j)
    j = np.array(js, dtype=np.int64)
    return x / 10.0 ** j, j


def log_scaling(x):
    x = np.array(x, dtype=np.float64)
    if (x <= 0).any():
        raise ValueError("log scaling needs x > 0")
    return np.log(x)


def standardize_like_d2l(x):
    def one(col):
        nums = col[~np.isnan(col)]
        mean = nums.mean() if len(nums) else np.nan
        std = nums.std(ddof=1) if len(nums) > 1 else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return (col - mean) / std
    out = _apply(one, x)
    out[np.isnan(out)] = 0          # fillna(0), after standardizing
    return out
