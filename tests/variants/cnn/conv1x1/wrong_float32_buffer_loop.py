# expect: failed only keeps_dtype_and_device
"""Fills a torch.zeros(c_o, h, w) buffer made without dtype=: the result is float32 whatever X is."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    Y = torch.zeros(c_o, h, w, device=X.device)       # float32 buffer
    for o in range(c_o):
        Y[o] = (K[o, :, 0, 0].reshape(c_i, 1, 1) * X).sum(0)
    return Y
