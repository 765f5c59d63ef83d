# expect: passed
"""d2l's algorithm written out: a zero buffer (in X's dtype and device) with X copied into
its middle, then d2l's double loop over the output positions, the window starting at
(i * s_h, j * s_w). The shape follows d2l's formula with math.floor."""
import math

import torch


def conv_output_shape(n, k, p_total, s):
    (n_h, n_w), (k_h, k_w), (p_h, p_w), (s_h, s_w) = n, k, p_total, s
    if min(n_h, n_w, k_h, k_w, s_h, s_w) < 1 or min(p_h, p_w) < 0:
        raise ValueError("bad sizes")
    if k_h > n_h + p_h or k_w > n_w + p_w:
        raise ValueError("kernel larger than the padded input")
    return (math.floor((n_h - k_h + p_h + s_h) / s_h), math.floor((n_w - k_w + p_w + s_w) / s_w))


def conv2d_pad_stride(X, K, padding=0, stride=1):
    p_h, p_w = (padding, padding) if isinstance(padding, int) else padding
    s_h, s_w = (stride, stride) if isinstance(stride, int) else stride
    if p_h < 0 or p_w < 0 or s_h < 1 or s_w < 1:
        raise ValueError("padding must be >= 0 and stride >= 1")
    h, w = X.shape
    k_h, k_w = K.shape
    out_h, out_w = conv_output_shape((h, w), (k_h, k_w), (2 * p_h, 2 * p_w), (s_h, s_w))
    Xp = torch.zeros((h + 2 * p_h, w + 2 * p_w), dtype=X.dtype, device=X.device)
    Xp[p_h:p_h + h, p_w:p_w + w] = X
    Y = torch.zeros((out_h, out_w), dtype=X.dtype, device=X.device)
    for i in range(out_h):
        for j in range(out_w):
            Y[i, j] = (Xp[i * s_h:i * s_h + k_h, j * s_w:j * s_w + k_w] * K).sum()
    return Y
