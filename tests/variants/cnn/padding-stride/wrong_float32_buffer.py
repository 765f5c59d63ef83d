# expect: failed only keeps_dtype_and_device
"""Copies X into a torch.zeros buffer without dtype=: the padded input is float32 whatever
X is (a half X comes back float32, a float64 X loses precision)."""

import torch
import torch.nn.functional as F


def _pair(value) -> tuple[int, int]:
    """An int means the same for height and width; a pair is (height, width)."""
    if isinstance(value, int):
        return value, value
    height, width = value
    return int(height), int(width)


def conv_output_shape(n, k, p_total, s):
    out = []
    for n_i, k_i, p_i, s_i in zip(n, k, p_total, s):
        if n_i < 1 or k_i < 1 or s_i < 1 or p_i < 0:
            raise ValueError("sizes, kernel and stride must be >= 1 and padding >= 0")
        if k_i > n_i + p_i:
            raise ValueError(f"kernel {k_i} is larger than the padded input {n_i + p_i}")
        # d2l's formula: p is the TOTAL padding of this dimension (both sides together).
        # Integer floor division keeps the result an exact Python int.
        out.append((n_i - k_i + p_i + s_i) // s_i)
    return tuple(int(v) for v in out)


def conv2d_pad_stride(X, K, padding=0, stride=1):
    p_h, p_w = _pair(padding)
    s_h, s_w = _pair(stride)
    if p_h < 0 or p_w < 0:
        raise ValueError(f"padding must be >= 0, got {padding!r}")
    if s_h < 1 or s_w < 1:
        raise ValueError(f"stride must be >= 1, got {stride!r}")
    k_h, k_w = K.shape
    h, w = X.shape
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        raise ValueError(f"kernel {(k_h, k_w)} does not fit the padded input "
                         f"{(h + 2 * p_h, w + 2 * p_w)}")
    # PyTorch's convention: `padding` zeros on EACH side (total 2p). F.pad lists the last
    # dimension first: (left, right, top, bottom). It returns a new tensor; X is untouched.
    padded = torch.zeros((h + 2 * p_h, w + 2 * p_w), device=X.device)
    padded[p_h:p_h + h, p_w:p_w + w] = X
    # unfold(dim, size, step) takes a window every `step` cells and drops the windows that
    # would stick out: exactly the floor in the output-size formula.
    windows = padded.unfold(0, k_h, s_h).unfold(1, k_w, s_w)   # (out_h, out_w, k_h, k_w)
    return (windows * K).sum(dim=(-2, -1))
