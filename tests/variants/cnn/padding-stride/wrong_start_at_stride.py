# expect: failed stride_moves_the_window, d2l_examples
"""Centres the strided windows, starting at (s - 1) // 2 instead of 0."""

import torch
import torch.nn.functional as F


def _pair(v):
    if isinstance(v, int):
        return v, v
    return int(v[0]), int(v[1])


def conv_output_shape(n, k, p_total, s):
    out = []
    for i in range(2):
        if n[i] < 1 or k[i] < 1 or s[i] < 1 or p_total[i] < 0:
            raise ValueError("bad argument")
        if k[i] > n[i] + p_total[i]:
            raise ValueError("kernel too large")
        out.append((n[i] - k[i] + p_total[i] + s[i]) // s[i])
    return tuple(out)


def conv2d_pad_stride(X, K, padding=0, stride=1):
    p_h, p_w = _pair(padding)
    s_h, s_w = _pair(stride)
    if p_h < 0 or p_w < 0:
        raise ValueError("padding < 0")
    if s_h < 1 or s_w < 1:
        raise ValueError("stride < 1")
    h, w = X.shape
    k_h, k_w = K.shape
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        raise ValueError("kernel does not fit")
    Xp = F.pad(X, (p_w, p_w, p_h, p_h))
    o_h, o_w = conv_output_shape((h, w), (k_h, k_w), (2 * p_h, 2 * p_w), (s_h, s_w))
    Y = X.new_zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            Y[i, j] = (Xp[i * s_h + (s_h - 1) // 2:i * s_h + (s_h - 1) // 2 + k_h, j * s_w + (s_w - 1) // 2:j * s_w + (s_w - 1) // 2 + k_w] * K).sum()
    return Y
