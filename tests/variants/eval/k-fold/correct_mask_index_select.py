# expect: passed
"""Correct, written differently: a boolean mask over np.arange, torch.index_select / np.take, statistics.fmean."""
import statistics
import numpy as np
import torch


def k_fold_indices(n, k, i, keep_remainder=False):
    if not (isinstance(k, int) and 2 <= k <= n):
        raise ValueError("bad k")
    if i not in range(k):
        raise ValueError("bad i")
    fs = n // k
    rows = np.arange(n, dtype=np.int64)
    stop = n if keep_remainder else fs * k
    mask = np.zeros(n, dtype=bool)
    mask[:stop] = True
    mask[i * fs:(i + 1) * fs] = False
    return rows[mask], rows[i * fs:(i + 1) * fs].copy()


def k_fold_score(train_and_eval, X, y, k):
    def take(d, idx):
        if torch.is_tensor(d):
            return torch.index_select(d, 0, torch.from_numpy(idx).to(d.device))
        if isinstance(d, list):
            return [d[int(j)] for j in idx]
        return np.take(d, idx, axis=0)
    results = []
    for i in range(k):
        tr, va = k_fold_indices(len(y), k, i)
        results.append(train_and_eval(take(X, tr), take(y, tr), take(X, va), take(y, va)))
    return (float(statistics.fmean(float(a) for a, _ in results)),
            float(statistics.fmean(float(b) for _, b in results)))
