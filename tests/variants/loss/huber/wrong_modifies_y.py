# expect: failed only does_not_modify_inputs
"""Computes the residual in place in y (y.neg_().add_(y_hat))."""
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
    d = y.neg_().add_(y_hat)
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
