# expect: failed golden_values
"""Calls smooth_l1_loss through torch.ops.aten with a name built at run time."""
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
    op = getattr(torch.ops.aten, "smooth" + "_l1_loss")
    loss = op(y_hat, y, 0, float(sigma))
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
