# expect: failed only keeps_dtype_and_device[float64]
"""Computes in float32 and casts back to y_hat's dtype: float64 inputs lose precision."""
import torch

def _check(y_hat, y, sigma, reduction):
    if tuple(y_hat.shape) != tuple(y.shape):
        raise ValueError("shape")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if not sigma > 0:
        raise ValueError("sigma")

def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    _check(y_hat, y, sigma, reduction)
    d = y_hat.float() - y.float()
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "sum":
        loss = loss.sum()
    elif reduction == "mean":
        loss = loss.sum() / loss.numel()
    return loss.to(y_hat.dtype)
