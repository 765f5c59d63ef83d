# expect: passed
"""Correct, with an extra parameter that has a default (count_include_pad, as torch's
avg_pool2d has): the checks never pass it, so the default (True, the stub's rule) applies."""
import torch


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def pool2d(X, pool_size, stride=None, padding=0, mode="max", count_include_pad=True):
    if mode not in ("max", "avg"):
        raise ValueError(f"mode {mode!r}")
    k_h, k_w = _pair(pool_size)
    s_h, s_w = _pair(pool_size if stride is None else stride)
    p_h, p_w = _pair(padding)
    if 2 * p_h > k_h or 2 * p_w > k_w:
        raise ValueError("padding > window / 2")
    H, W = X.shape[-2:]
    if k_h > H + 2 * p_h or k_w > W + 2 * p_w:
        raise ValueError("window > padded input")
    # Pad by concatenation: a band of fill rows above and below, then columns left and right.
    fill = float("-inf") if mode == "max" else 0.0
    rows = X.new_full(X.shape[:-2] + (p_h, W), fill)
    Xp = torch.cat([rows, X, rows], dim=-2)
    cols = X.new_full(X.shape[:-2] + (H + 2 * p_h, p_w), fill)
    Xp = torch.cat([cols, Xp, cols], dim=-1)
    win = Xp.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    if mode == "max":
        return win.amax(dim=(-2, -1))
    if count_include_pad:
        return win.sum(dim=(-2, -1)) / (k_h * k_w)
    ones = torch.ones(X.shape[-2:], dtype=X.dtype, device=X.device)
    ones = torch.nn.functional.pad(ones, (p_w, p_w, p_h, p_h))
    count = ones.unfold(0, k_h, s_h).unfold(0, k_w, s_w).sum(dim=(-2, -1))
    return win.sum(dim=(-2, -1)) / count
