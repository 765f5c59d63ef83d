# expect: failed only keeps_dtype_and_device
"""Computes in float32 (.float()) and returns that: half inputs come back float32 and
float64 inputs lose precision."""

import torch


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    if K.dim() != 4 or tuple(K.shape[2:]) != (1, 1):
        raise ValueError(f"a 1 x 1 kernel has shape (c_o, c_i, 1, 1), got {tuple(K.shape)}")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if K.shape[1] != c_i:
        raise ValueError(f"X has {c_i} channels but K expects {K.shape[1]}")
    # Each column of X2 is one pixel's channel vector; reshape (not view) also copes with a
    # non-contiguous X.
    X2 = X.reshape(c_i, h * w)
    # The kernel is one (c_o, c_i) matrix shared by every pixel: a dense layer per pixel.
    K2 = K.reshape(c_o, c_i)
    return (K2.float() @ X2.float()).reshape(c_o, h, w)
