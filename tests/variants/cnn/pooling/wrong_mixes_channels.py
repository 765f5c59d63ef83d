# expect: failed channels_are_pooled_independently
"""F.unfold puts all channels of a window in one column; reducing the whole column mixes them."""
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
    lead = X.shape[:-2]
    X4 = X.reshape(-1, 1, H, W) if X.dim() == 2 else X.reshape(-1, X.shape[-3], H, W)
    fill = float("-inf") if mode == "max" else 0.0
    Xp = F.pad(X4, (p_w, p_w, p_h, p_h), value=fill)
    cols = F.unfold(Xp, (k_h, k_w), stride=(s_h, s_w))  # (B, C*k_h*k_w, L)
    H_out = (H + 2 * p_h - k_h) // s_h + 1
    W_out = (W + 2 * p_w - k_w) // s_w + 1
    red = cols.max(dim=1).values if mode == "max" else cols.mean(dim=1)
    out = red.reshape(X4.shape[0], 1, H_out, W_out).expand(-1, X4.shape[1], -1, -1)
    return out.reshape(*lead, H_out, W_out)
