# expect: passed
"""Correct, written differently: d2l-style double loop over output positions, padding built
with torch.full and slice assignment, outputs stacked (so autograd still works)."""
import torch


def _hw(value):
    if isinstance(value, (tuple, list)):
        return value[0], value[1]
    return value, value


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode != "max" and mode != "avg":
        raise ValueError("unknown mode " + repr(mode))
    kh, kw = _hw(pool_size)
    sh, sw = _hw(pool_size if stride is None else stride)
    ph, pw = _hw(padding)
    if ph > kh / 2 or pw > kw / 2:
        raise ValueError("padding must be at most half the window")
    h, w = X.shape[-2], X.shape[-1]
    if kh > h + 2 * ph or kw > w + 2 * pw:
        raise ValueError("window does not fit")
    fill = -float("inf") if mode == "max" else 0.0
    big = torch.full(X.shape[:-2] + (h + 2 * ph, w + 2 * pw), fill, dtype=X.dtype,
                     device=X.device)
    big[..., ph:ph + h, pw:pw + w] = X
    rows = []
    for i in range(0, h + 2 * ph - kh + 1, sh):
        row = []
        for j in range(0, w + 2 * pw - kw + 1, sw):
            patch = big[..., i:i + kh, j:j + kw].reshape(*X.shape[:-2], kh * kw)
            if mode == "max":
                row.append(torch.max(patch, dim=-1)[0])
            else:
                row.append(patch.sum(dim=-1) / (kh * kw))
        rows.append(torch.stack(row, dim=-1))
    return torch.stack(rows, dim=-2)
