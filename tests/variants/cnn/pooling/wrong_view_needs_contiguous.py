# expect: failed max_pooling_matches_torch, avg_pooling_matches_torch
"""Merges the leading dims with .view, which fails on a permuted (non-contiguous) input."""
import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(mode)
    k_h, k_w = _pair(pool_size)
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)
    p_h, p_w = _pair(padding)
    if 2 * p_h > k_h or 2 * p_w > k_w:
        raise ValueError("padding too large")
    H, W = X.shape[-2:]
    if k_h > H + 2 * p_h or k_w > W + 2 * p_w:
        raise ValueError("window too large")
    X4 = X.view(-1, 1, H, W)
    fill = float("-inf") if mode == "max" else 0.0
    Xp = F.pad(X4, (p_w, p_w, p_h, p_h), value=fill)
    win = Xp.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w).flatten(-2)
    out = win.max(dim=-1).values if mode == "max" else win.mean(dim=-1)
    return out.reshape(*X.shape[:-2], *out.shape[-2:])
