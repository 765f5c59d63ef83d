# expect: failed worked_example, matches_multi_channel_correlation, equals_dense_layer_at_each_pixel
"""Flattens the pixels column by column (X.transpose(1, 2)) but reshapes the product back row by row: the pixels land transposed."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    if K.dim() != 4 or K.shape[2:] != (1, 1) or K.shape[1] != c_i:
        raise ValueError("bad kernel")
    c_o = K.shape[0]
    X2 = X.transpose(1, 2).reshape(c_i, h * w)    # column-major pixels ...
    return (K.reshape(c_o, c_i) @ X2).reshape(c_o, h, w)   # ... read back row-major
