# expect: passed
"""One einsum: output channel o at pixel (h, w) sums K[o, c] * X[c, h, w] over c."""
import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.dim() != 4:
        raise ValueError("K must be 4-D")
    c_o, c_i, kh, kw = K.shape
    if (kh, kw) != (1, 1):
        raise ValueError("not a 1 x 1 kernel")
    if c_i != X.shape[0]:
        raise ValueError("channel mismatch")
    return torch.einsum("oc,chw->ohw", K[:, :, 0, 0], X)
