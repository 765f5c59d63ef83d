# expect: failed only wrong_kernels_raise
"""Validates the kernel with assert: AssertionError instead of the ValueError the contract asks for."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    assert K.dim() == 4 and K.shape[2:] == (1, 1), "K must be (c_o, c_i, 1, 1)"
    assert K.shape[1] == c_i, "channel mismatch"
    c_o = K.shape[0]
    return (K.reshape(c_o, c_i) @ X.reshape(c_i, h * w)).reshape(c_o, h, w)
