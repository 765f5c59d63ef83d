# expect: failed d2l_example
"""Sneaks torch's 1-D pooling in through getattr (pooling rows, then columns)."""
import torch
import torch.nn.functional as F

_mp = getattr(torch, "max_pool" + "1d")
_ap = getattr(torch, "avg_pool" + "1d")


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
    lead = X.shape[:-2]
    rows = X.reshape(-1, H, W)
    if mode == "max":
        r = _mp(rows, [k_w], [s_w], [p_w])
        c = _mp(r.transpose(-1, -2), [k_h], [s_h], [p_h]).transpose(-1, -2)
    else:
        r = _ap(rows, [k_w], [s_w], [p_w])
        c = _ap(r.transpose(-1, -2), [k_h], [s_h], [p_h]).transpose(-1, -2)
    return c.reshape(*lead, *c.shape[-2:])
