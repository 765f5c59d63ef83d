# expect: failed golden_values, matches_smooth_l1_with_beta_sigma, gradient_is_clipped_residual
"""Half right: sigma in the threshold and linear piece but d^2 / 2 inside (no 1/sigma)."""
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
    loss = torch.where(a > sigma, a - sigma / 2, d * d / 2)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
