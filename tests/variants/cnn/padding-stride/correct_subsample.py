# expect: passed
"""Zero padding by concatenation, a stride-1 correlation from shifted slices, then index_select keeps every s-th row and column; the output size as (n + p - k) // s + 1."""

import torch


def _two(v):
    return (v, v) if isinstance(v, int) else (v[0], v[1])


def conv_output_shape(n, k, p_total, s):
    n_h, n_w = n
    k_h, k_w = k
    p_h, p_w = p_total
    s_h, s_w = s
    if min(n_h, n_w, k_h, k_w, s_h, s_w) < 1 or min(p_h, p_w) < 0:
        raise ValueError("invalid size")
    if k_h > n_h + p_h or k_w > n_w + p_w:
        raise ValueError("kernel does not fit")
    # number of start positions 0, s, 2s, ... <= n + p - k
    return (n_h + p_h - k_h) // s_h + 1, (n_w + p_w - k_w) // s_w + 1


def conv2d_pad_stride(X, K, padding=0, stride=1):
    p_h, p_w = _two(padding)
    s_h, s_w = _two(stride)
    if p_h < 0 or p_w < 0 or s_h < 1 or s_w < 1:
        raise ValueError("padding must be >= 0 and stride >= 1")
    h, w = X.shape
    k_h, k_w = K.shape
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        raise ValueError("kernel too large")
    # zero padding by concatenation
    zr = X.new_zeros((p_h, w))
    Xp = torch.cat([zr, X, zr], 0)
    zc = X.new_zeros((h + 2 * p_h, p_w))
    Xp = torch.cat([zc, Xp, zc], 1)
    # stride-1 correlation as a sum of shifted slices, then keep every s-th output
    o_h, o_w = Xp.shape[0] - k_h + 1, Xp.shape[1] - k_w + 1
    full = sum(K[a, b] * Xp[a:a + o_h, b:b + o_w] for a in range(k_h) for b in range(k_w))
    rows = torch.arange(0, o_h, s_h, device=X.device)
    cols = torch.arange(0, o_w, s_w, device=X.device)
    return full.index_select(0, rows).index_select(1, cols)
