# expect: failed multi_in_sums_over_channels, multi_in_out_matches_conv2d
"""Correlates each channel with its kernel slice transposed (K[c].T)."""

import torch


def corr2d(X, K):
    h, w = X.shape
    k_h, k_w = K.shape
    Y = X.new_zeros((h - k_h + 1, w - k_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum()
    return Y


def corr2d_multi_in(X, K):
    if X.shape[0] != K.shape[0]:
        raise ValueError("channel mismatch")
    if K.shape[1] > X.shape[1] or K.shape[2] > X.shape[2]:
        raise ValueError("kernel too large")
    return sum(corr2d(x, k) for x, k in zip(X, K.transpose(1, 2)))


def corr2d_multi_in_out(X, K):
    if X.shape[0] != K.shape[1]:
        raise ValueError("channel mismatch")
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)
