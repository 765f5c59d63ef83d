# expect: failed only invalid_arguments_raise
"""Checks padding < 0 only when padding is an int: a pair with a negative entry makes F.pad crop silently."""

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
    if isinstance(padding, int) and padding < 0:
        raise ValueError("padding < 0")
    if s_h < 1 or s_w < 1:
        raise ValueError("stride < 1")
    h, w = X.shape
    k_h, k_w = K.shape
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        raise ValueError("kernel does not fit")
    Xp = F.pad(X, (p_w, p_w, p_h, p_h))
    o_h, o_w = (Xp.shape[0] - k_h) // s_h + 1, (Xp.shape[1] - k_w) // s_w + 1
    Y = X.new_zeros((o_h, o_w))
    for i in range(o_h):
        for j in range(o_w):
            Y[i, j] = (Xp[i * s_h:i * s_h + k_h, j * s_w:j * s_w + k_w] * K).sum()
    return Y
