# expect: passed
"""d2l-zh's get_k_fold_data and k_fold, with only the departures the stub states: the folds
are built slice by slice and concatenated in a loop (X_train is None for the first fold),
ValueError instead of assert, keep_remainder for d2l-en's rule, and a callback instead of
training a network inside the loop."""
import numpy as np
import torch


def k_fold_indices(n, k, i, keep_remainder=False):
    if not 1 < k <= n:
        raise ValueError("k must be in 2..n")
    if i < 0 or i >= k:
        raise ValueError("i must be in 0..k-1")
    fold_size = n // k
    train = None
    for j in range(k):
        idx = np.arange(j * fold_size, (j + 1) * fold_size)
        if j == i:
            valid = idx
        elif train is None:
            train = idx
        else:
            train = np.concatenate([train, idx], 0)
    if keep_remainder:
        train = np.concatenate([train, np.arange(k * fold_size, n)], 0)
    return train.astype(np.int64), valid.astype(np.int64)


def _part(data, idx):
    if isinstance(data, torch.Tensor):
        return data[torch.tensor(idx)]
    if isinstance(data, np.ndarray):
        return data[idx]
    return [data[j] for j in idx]


def get_k_fold_data(k, i, X, y):
    train, valid = k_fold_indices(len(X), k, i)
    return _part(X, train), _part(y, train), _part(X, valid), _part(y, valid)


def k_fold_score(train_and_eval, X, y, k):
    train_l_sum, valid_l_sum = 0, 0
    for i in range(k):
        data = get_k_fold_data(k, i, X, y)
        train_l, valid_l = train_and_eval(*data)
        train_l_sum += train_l
        valid_l_sum += valid_l
    return float(train_l_sum / k), float(valid_l_sum / k)
