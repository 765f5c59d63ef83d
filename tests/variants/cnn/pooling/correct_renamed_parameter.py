# expect: passed
"""Correct, with torch's parameter names for what the checks pass by position
(input for X, kernel_size for pool_size): the call still binds."""
import torch.nn.functional as F


def pool2d(input, kernel_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', not {mode!r}")
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if stride is None:
        sh, sw = kh, kw
    else:
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    if ph > kh / 2 or pw > kw / 2:
        raise ValueError("padding should be at most half of the kernel size")
    if kh > input.shape[-2] + 2 * ph or kw > input.shape[-1] + 2 * pw:
        raise ValueError("kernel size can't be greater than the padded input size")
    lead = input.shape[:-2]
    flat = input.reshape(-1, 1, input.shape[-2], input.shape[-1])
    flat = F.pad(flat, (pw, pw, ph, ph), value=float("-inf") if mode == "max" else 0.0)
    H, W = flat.shape[-2:]
    cols = F.unfold(flat, (kh, kw), stride=(sh, sw))  # (B, kh*kw, L), one channel each
    out = cols.max(dim=1).values if mode == "max" else cols.mean(dim=1)
    return out.reshape(*lead, (H - kh) // sh + 1, (W - kw) // sw + 1)
