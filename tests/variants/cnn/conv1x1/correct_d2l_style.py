# expect: passed
"""d2l's corr2d_multi_in_out_1x1: flatten the pixels, torch.matmul with the (c_o, c_i)
kernel matrix, reshape back; plus the kernel checks d2l leaves out."""
import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.ndim != 4 or K.shape[2] != 1 or K.shape[3] != 1 or K.shape[1] != X.shape[0]:
        raise ValueError("K must be (c_o, c_i, 1, 1) with X's c_i")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))
