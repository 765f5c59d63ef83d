# expect: failed only keeps_dtype_and_device
"""Multiplies in float32 and casts the result back to X's dtype: the dtype is right but a float64 X loses its precision."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    Y = K.reshape(c_o, c_i).float() @ X.reshape(c_i, h * w).float()
    return Y.reshape(c_o, h, w).to(X.dtype)     # float64 loses precision in float32
