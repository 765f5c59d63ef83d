# expect: failed reductions, default_arguments
"""'sum' and 'mean' reduce over dim 0 only, then 'mean' divides by the rows."""
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
    d = y_hat - y
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    return loss.sum(dim=0) if reduction == "sum" else loss.mean(dim=0)
