# expect: failed only matches_multi_channel_correlation, gradients_flow_to_input_and_kernel
"""Gets the (c_o, c_i) matrix with K.squeeze(): with one input channel the channel dimension disappears too."""

import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.dim() != 4 or K.shape[2] != 1 or K.shape[3] != 1:
        raise ValueError("K must be (c_o, c_i, 1, 1)")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if K.shape[1] != c_i:
        raise ValueError("channel mismatch")
    X2 = X.reshape(c_i, h * w)
    K2 = K.squeeze()
    Y = torch.matmul(K2, X2)
    return Y.reshape(c_o, h, w)
