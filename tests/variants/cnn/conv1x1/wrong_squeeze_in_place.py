# expect: failed does_not_modify_inputs
"""Drops the kernel's 1 x 1 dimensions with K.squeeze_(-1), changing the caller's kernel."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.dim() != 4 or K.shape[2] != 1 or K.shape[3] != 1:
        raise ValueError("K must be (c_o, c_i, 1, 1)")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if K.shape[1] != c_i:
        raise ValueError("channel mismatch")
    X2 = X.reshape(c_i, h * w)
    K2 = K.squeeze_(-1).squeeze_(-1)
    Y = torch.matmul(K2, X2)
    return Y.reshape(c_o, h, w)
