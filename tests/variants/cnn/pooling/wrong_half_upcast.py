# expect: failed only keeps_shape_dtype_and_device
"""Upcasts half-precision input to float32 ("half is slow on the CPU") and never casts the
result back: float16 and bfloat16 X come back as float32."""
import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (v[0], v[1])


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(mode)
    if X.dtype in (torch.float16, torch.bfloat16):
        X = X.float()
    k_h, k_w = _pair(pool_size)
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)
    p_h, p_w = _pair(padding)
    if 2 * p_h > k_h or 2 * p_w > k_w:
        raise ValueError("padding more than half the window")
    if X.shape[-2] + 2 * p_h < k_h or X.shape[-1] + 2 * p_w < k_w:
        raise ValueError("window larger than the padded input")
    X = F.pad(X, (p_w, p_w, p_h, p_h), value=float("-inf") if mode == "max" else 0.0)
    win = X.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    return win.amax(dim=(-2, -1)) if mode == "max" else win.mean(dim=(-2, -1))
