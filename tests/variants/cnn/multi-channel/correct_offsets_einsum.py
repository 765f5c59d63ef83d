# expect: passed
"""Loops over the kernel offsets (a, b) and mixes channels of the shifted slice with einsum('oc,chw->ohw'); corr2d_multi_in is the c_o = 1 case."""

import torch


def _check(X, K, c_i):
    if X.dim() != 3:
        raise ValueError("X must be (c_i, h, w)")
    if X.shape[0] != c_i:
        raise ValueError(f"X has {X.shape[0]} channels, the kernel {c_i}")
    k_h, k_w = K.shape[-2:]
    if k_h > X.shape[1] or k_w > X.shape[2]:
        raise ValueError("kernel larger than input")
    return X.shape[1] - k_h + 1, X.shape[2] - k_w + 1


def corr2d_multi_in_out(X, K):
    o_h, o_w = _check(X, K, K.shape[1])
    k_h, k_w = K.shape[-2:]
    # one kernel offset (a, b) at a time: mix the channels of the shifted slice of X
    Y = None
    for a in range(k_h):
        for b in range(k_w):
            part = torch.einsum("oc,chw->ohw", K[:, :, a, b], X[:, a:a + o_h, b:b + o_w])
            Y = part if Y is None else Y + part
    return Y


def corr2d_multi_in(X, K):
    _check(X, K, K.shape[0])
    return corr2d_multi_in_out(X, K.unsqueeze(0))[0]
