# expect: failed only gradients_flow_to_input_and_kernel
"""Reads the kernel weights out with .tolist(): the values are right, but K gets no gradient."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    k = K.reshape(c_o, c_i).tolist()
    Y = torch.zeros(c_o, h, w, dtype=X.dtype, device=X.device)
    for o in range(c_o):
        for c in range(c_i):
            Y[o] += k[o][c] * X[c]          # weights as Python floats: no gradient for K
    return Y
