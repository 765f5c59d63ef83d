# expect: failed only keeps_shape_dtype_and_device
"""d2l's loop with its own buffer, torch.zeros(...) without a dtype: float32 whatever X is.
One mistake (the dtype), so only the dtype check fails: the gradients it routes are right."""
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
    H_out = (H + 2 * p_h - k_h) // s_h + 1
    W_out = (W + 2 * p_w - k_w) // s_w + 1
    Y = torch.zeros(X.shape[:-2] + (H_out, W_out), device=X.device)
    for i in range(H_out):
        for j in range(W_out):
            patch = Xp[..., i * s_h:i * s_h + k_h, j * s_w:j * s_w + k_w]
            if mode == "max":
                Y[..., i, j] = patch.amax(dim=(-2, -1))
            else:
                Y[..., i, j] = patch.mean(dim=(-2, -1))
    return Y
