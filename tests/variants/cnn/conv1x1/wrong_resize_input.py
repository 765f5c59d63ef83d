# expect: failed does_not_modify_inputs
"""Reshapes the kernel with K.resize_(c_o, c_i), in place on the caller's tensor."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    K = K.resize_(c_o, c_i)                 # in place on the caller's kernel
    return (K @ X.reshape(c_i, h * w)).reshape(c_o, h, w)
