# expect: passed
"""tensordot over the channel axis with X moved channels-last, then the result moved back."""
import torch


def corr2d_multi_in_out_1x1(X, K):
    if K.ndim != 4 or K.shape[-2] != 1 or K.shape[-1] != 1:
        raise ValueError("K must have shape (c_o, c_i, 1, 1)")
    if K.shape[1] != X.shape[0]:
        raise ValueError("K.shape[1] must equal the number of channels of X")
    Xl = X.movedim(0, -1)                                # (h, w, c_i), a view
    Y = torch.tensordot(Xl, K.flatten(1), dims=([2], [1]))   # (h, w, c_o)
    return Y.movedim(-1, 0)
