# expect: failed only invalid_sigma_raises
"""Rejects sigma == 0 only (to avoid the division by zero); negative sigma passes."""
import torch
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if tuple(y_hat.shape) != tuple(y.shape):
        raise ValueError("shape")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if sigma == 0:
        raise ValueError("sigma")
    d = y_hat - y
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
