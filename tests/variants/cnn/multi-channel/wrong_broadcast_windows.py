# expect: failed d2l_example_multi_in, multi_in_sums_over_channels
"""Multiplies the (c_i, h', w', k_h, k_w) windows by K without aligning its channel axis: broadcasting lines c_i up with w', right only for one channel."""

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
    windows = X.unfold(1, K.shape[1], 1).unfold(2, K.shape[2], 1)
    return (windows * K).sum(dim=(0, 3, 4))


def corr2d_multi_in_out(X, K):
    if X.shape[0] != K.shape[1]:
        raise ValueError("channel mismatch")
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)
