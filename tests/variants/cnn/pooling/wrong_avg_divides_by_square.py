# expect: failed tuple_arguments_are_height_then_width
"""Assumes a square window when averaging: divides by k_h * k_h."""
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
    if H + 2 * p_h < k_h or W + 2 * p_w < k_w:
        raise ValueError("window too large")
    fill = float("-inf") if mode == "max" else 0.0
    Xp = F.pad(X, (p_w, p_w, p_h, p_h), value=fill)
    win = Xp.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w).flatten(-2)
    if mode == "max":
        return win.max(dim=-1).values
    return win.sum(dim=-1) / (k_h * k_h)
