# expect: passed
"""Correct, written differently: a fold id per row (row // fs, or -1 for the remainder),
boolean masks, np.take / torch.index_select / operator.itemgetter, statistics.fmean."""
import operator
import statistics

import numpy as np
import torch


def k_fold_indices(n, k, i, keep_remainder=False):
    if k < 2 or k > n or not 0 <= i < k:
        raise ValueError(f"need 2 <= k <= n and 0 <= i < k, got n={n}, k={k}, i={i}")
    fs = n // k
    rows = np.arange(n, dtype=np.int64)
    fold = np.where(rows < k * fs, rows // fs, -1)
    in_train = (fold != i) & ((fold >= 0) | keep_remainder)
    return rows[in_train], rows[fold == i]


def _take(data, idx):
    if torch.is_tensor(data):
        return torch.index_select(data, 0, torch.from_numpy(idx).to(data.device))
    if isinstance(data, np.ndarray):
        return np.take(data, idx, axis=0)
    return list(operator.itemgetter(*idx)(data)) if len(idx) > 1 else [data[j] for j in idx]


def k_fold_score(train_and_eval, X, y, k):
    results = []
    for i in range(k):
        tr, va = k_fold_indices(len(y), k, i)
        results.append(train_and_eval(_take(X, tr), _take(y, tr), _take(X, va), _take(y, va)))
    return (statistics.fmean(r[0] for r in results), statistics.fmean(r[1] for r in results))
