# expect: failed only wrong_kernels_raise
"""Checks that the kernel is 1 wide but forgets its height, and takes K[:, :, 0, 0]: a (c_o, c_i, 3, 1) kernel is silently cut to its first row."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[-1] != 1:          # checks the width, forgets the height
        raise ValueError("K must be (c_o, c_i, 1, 1)")
    if K.shape[1] != c_i:
        raise ValueError("channel mismatch")
    K2 = K[:, :, 0, 0]
    return (K2 @ X.reshape(c_i, h * w)).reshape(-1, h, w)
