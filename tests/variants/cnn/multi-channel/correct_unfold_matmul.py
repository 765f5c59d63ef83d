# expect: passed
"""im2col: torch.nn.functional.unfold puts every (c_i, k_h, k_w) window in one column, and
a single matrix product with the flattened kernels gives every output channel."""
import torch
import torch.nn.functional as F


def corr2d_multi_in_out(X, K):
    c_o, c_i, k_h, k_w = K.shape
    c, h, w = X.shape
    if c != c_i:
        raise ValueError(f"{c} input channels, kernel expects {c_i}")
    if k_h > h or k_w > w:
        raise ValueError("kernel larger than input")
    cols = F.unfold(X.unsqueeze(0), (k_h, k_w))[0]          # (c_i*k_h*k_w, L)
    Y = K.reshape(c_o, -1) @ cols                            # (c_o, L)
    return Y.reshape(c_o, h - k_h + 1, w - k_w + 1)


def corr2d_multi_in(X, K):
    if X.shape[0] != K.shape[0]:
        raise ValueError("channel counts differ")
    return corr2d_multi_in_out(X, K.unsqueeze(0))[0]
