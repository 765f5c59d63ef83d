# expect: failed only keeps_shape_dtype_and_device
"""Pools a float32 copy of X and casts the result back to X's dtype: the dtype comes out
right, but a float64 X loses its precision (errors near 1e-8)."""
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(f"bad mode {mode!r}")
    k_h, k_w = _pair(pool_size)
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)
    p_h, p_w = _pair(padding)
    if p_h * 2 > k_h or p_w * 2 > k_w:
        raise ValueError("padding")
    if k_h > X.shape[-2] + 2 * p_h or k_w > X.shape[-1] + 2 * p_w:
        raise ValueError("window")
    work = X.float()  # "float32 is enough for pooling"
    work = F.pad(work, (p_w, p_w, p_h, p_h), value=float("-inf") if mode == "max" else 0.0)
    win = work.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w).flatten(-2)
    out = win.max(dim=-1).values if mode == "max" else win.mean(dim=-1)
    return out.to(X.dtype)
