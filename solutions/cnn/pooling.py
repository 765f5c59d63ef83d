"""Reference solution for exercises/cnn/pooling.py."""

import torch
import torch.nn.functional as F


def _pair(value) -> tuple[int, int]:
    """An int means the same size for height and width; a pair is (height, width)."""
    if isinstance(value, int):
        return value, value
    height, width = value
    return int(height), int(width)


def pool2d(X: torch.Tensor, pool_size, stride=None, padding=0, mode: str = "max") -> torch.Tensor:
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    k_h, k_w = _pair(pool_size)
    # Frameworks move the window by its own size unless told otherwise: no overlap.
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)
    p_h, p_w = _pair(padding)
    if min(k_h, k_w, s_h, s_w) < 1 or min(p_h, p_w) < 0:
        raise ValueError("pool_size and stride must be positive and padding non-negative")
    # With p <= k/2 every window still covers at least one real cell (torch's own limit).
    if 2 * p_h > k_h or 2 * p_w > k_w:
        raise ValueError(f"padding {(p_h, p_w)} is more than half of the window {(k_h, k_w)}")
    H, W = X.shape[-2], X.shape[-1]
    if H + 2 * p_h < k_h or W + 2 * p_w < k_w:
        raise ValueError(f"window {(k_h, k_w)} is larger than the padded input "
                         f"{(H + 2 * p_h, W + 2 * p_w)}")

    # Max pooling pads with -inf so a padded cell can never be the maximum; average pooling
    # pads with zeros that count in the divisor (torch's count_include_pad=True).
    fill = float("-inf") if mode == "max" else 0.0
    padded = F.pad(X, (p_w, p_w, p_h, p_h), value=fill) if p_h or p_w else X

    # Tensor.unfold slides along one axis at a time; the trailing window dims
    # (k_h, k_w) are the only ones reduced, so leading (batch, channel) dims never mix.
    windows = padded.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    windows = windows.reshape(*windows.shape[:-2], k_h * k_w)
    if mode == "max":
        # max (not amax) sends the whole gradient to one winning cell, as torch does.
        return windows.max(dim=-1).values
    return windows.mean(dim=-1)
