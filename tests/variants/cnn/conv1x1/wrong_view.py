# expect: failed only non_contiguous_input
"""Uses view instead of reshape: fails on a non-contiguous (transposed) X."""

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
    X2 = X.view(c_i, h * w)
    # The kernel is one (c_o, c_i) matrix shared by every pixel: a dense layer per pixel.
    K2 = K.reshape(c_o, c_i)
    return (K2 @ X2).reshape(c_o, h, w)
