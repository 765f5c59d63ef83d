# expect: failed matches_multi_channel_correlation, wrong_kernels_raise
"""Unpacks X as (h, w, c_i), a channels-last habit: valid kernels are refused and some wrong ones accepted."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    h, w, c_i = X.shape                     # channels-last habit
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    return (K.reshape(c_o, c_i) @ X.reshape(c_i, h * w)).reshape(c_o, h, w)
