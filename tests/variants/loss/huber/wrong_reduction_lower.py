# expect: failed only invalid_reduction_raises
"""Lower-cases and strips reduction before checking it ('Mean ' is accepted)."""
import torch
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if tuple(y_hat.shape) != tuple(y.shape):
        raise ValueError("shape")
    reduction = reduction.strip().lower()
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if not sigma > 0:
        raise ValueError("sigma")
    d = y_hat - y
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
