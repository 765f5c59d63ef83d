# expect: failed multi_in_sums_over_channels, d2l_example_multi_in
"""Flips every kernel slice (the mathematical convolution)."""
import torch


def corr2d(X, K):
    h, w = K.shape
    if h > X.shape[0] or w > X.shape[1]:
        raise ValueError("kernel does not fit")
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=X.dtype, device=X.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K.flip(0, 1)).sum()
    return Y


def corr2d_multi_in(X, K):
    if len(X) != len(K):
        raise ValueError("X and K need the same number of channels")
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    if K.shape[1] != X.shape[0]:
        raise ValueError("K's input channels do not match X")
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)
