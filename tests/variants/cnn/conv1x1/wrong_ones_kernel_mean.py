# expect: failed worked_example, matches_multi_channel_correlation
""""Fuses the channels" read as an average: the weighted sum divided by c_i."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    # "fuses the channels": a weighted average rather than a weighted sum
    return (K.reshape(c_o, c_i) @ X.reshape(c_i, h * w) / c_i).reshape(c_o, h, w)
