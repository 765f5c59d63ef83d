# expect: passed
"""One output channel at a time: a broadcast weighted sum over the input channels, stacked."""
import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.dim() != 4 or K.shape[2] * K.shape[3] != 1 or K.shape[3] != 1:
        raise ValueError("K must have shape (c_o, c_i, 1, 1)")
    if K.shape[1] != X.shape[0]:
        raise ValueError("input channels differ")
    return torch.stack([(k * X).sum(dim=0) for k in K])    # k: (c_i, 1, 1)
