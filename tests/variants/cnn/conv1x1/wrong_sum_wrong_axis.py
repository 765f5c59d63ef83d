# expect: failed matches_multi_channel_correlation
"""Broadcasts K (c_o, c_i, 1, 1) against X, then sums over the output channels (axis 0) instead of the input channels."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    # K (c_o, c_i, 1, 1) * X (c_i, h, w): broadcast (c_o, c_i, h, w); sums the wrong axis
    return (K * X).sum(0)
