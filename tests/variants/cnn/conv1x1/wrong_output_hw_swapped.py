# expect: failed matches_multi_channel_correlation, worked_example
"""Reshapes the product to (c_o, w, h) and transposes, as if the pixels were stored column by column."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.dim() != 4 or K.shape[2] != 1 or K.shape[3] != 1:
        raise ValueError("K must be (c_o, c_i, 1, 1)")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if K.shape[1] != c_i:
        raise ValueError("channel mismatch")
    X2 = X.reshape(c_i, h * w)
    K2 = K.reshape(c_o, c_i)
    Y = torch.matmul(K2, X2)
    return Y.reshape(c_o, w, h).transpose(1, 2)
