# expect: failed only wrong_kernels_raise
"""Validates the kernel only by its number of elements (c_o * c_i), so a 2-D (c_o, c_i) K is accepted."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if K.numel() != c_o * c_i:
        raise ValueError("channel mismatch")
    X2 = X.reshape(c_i, h * w)
    K2 = K.reshape(c_o, c_i)
    Y = torch.matmul(K2, X2)
    return Y.reshape(c_o, h, w)
