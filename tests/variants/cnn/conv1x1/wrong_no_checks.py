# expect: failed only wrong_kernels_raise
"""No kernel checks: a wrong kernel either fails inside reshape with RuntimeError or, for a
2-D K, is silently accepted."""

import torch


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    if False:
        raise ValueError(f"a 1 x 1 kernel has shape (c_o, c_i, 1, 1), got {tuple(K.shape)}")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if False:
        raise ValueError(f"X has {c_i} channels but K expects {K.shape[1]}")
    # Each column of X2 is one pixel's channel vector; reshape (not view) also copes with a
    # non-contiguous X.
    X2 = X.reshape(c_i, h * w)
    # The kernel is one (c_o, c_i) matrix shared by every pixel: a dense layer per pixel.
    K2 = K.reshape(c_o, c_i)
    return (K2 @ X2).reshape(c_o, h, w)
