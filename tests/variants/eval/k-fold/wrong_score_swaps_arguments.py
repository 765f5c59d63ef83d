# expect: failed score_passes_each_fold_once_in_order
"""Calls train_and_eval(X_train, X_valid, y_train, y_valid): the parts in the wrong order."""
"""Reference solution for exercises/eval/k_fold.py."""

import numpy as np
import torch


def k_fold_indices(n, k, i, keep_remainder=False):
    if k < 2 or k > n:
        raise ValueError(f"k must be between 2 and n = {n}, got {k}")
    if not 0 <= i < k:
        raise ValueError(f"fold i must be in 0..{k - 1}, got {i}")
    fs = n // k
    valid = np.arange(i * fs, (i + 1) * fs, dtype=np.int64)
    # d2l-zh stops at k * fs: the last n % k rows are in no fold at all. d2l-en trains on
    # every row outside the validation fold, remainder included.
    end = n if keep_remainder else k * fs
    train = np.concatenate([np.arange(0, i * fs), np.arange((i + 1) * fs, end)]).astype(np.int64)
    return train, valid


def _rows(data, idx):
    """The rows ``idx`` of data, in data's own kind (list, numpy array or tensor)."""
    if isinstance(data, torch.Tensor):
        return data[torch.as_tensor(idx, dtype=torch.long, device=data.device)]
    if isinstance(data, np.ndarray):
        return data[idx]
    return [data[j] for j in idx.tolist()]


def k_fold_score(train_and_eval, X, y, k):
    n = len(X)
    train_sum, valid_sum = 0.0, 0.0
    for i in range(k):
        train, valid = k_fold_indices(n, k, i)
        train_err, valid_err = train_and_eval(_rows(X, train), _rows(X, valid),
                                              _rows(y, train), _rows(y, valid))
        train_sum += float(train_err)
        valid_sum += float(valid_err)
    # The score is the mean over the k folds, as in d2l's k_fold.
    return train_sum / k, valid_sum / k
