# expect: failed gradient_is_clipped_residual, huge_residuals_stay_finite
"""A hand-written autograd.Function whose backward forgets the clip: d / sigma everywhere."""
import torch

def _check(y_hat, y, sigma, reduction):
    if tuple(y_hat.shape) != tuple(y.shape):
        raise ValueError("shape")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if not sigma > 0:
        raise ValueError("sigma")

class _H(torch.autograd.Function):
    @staticmethod
    def forward(ctx, d, sigma):
        ctx.save_for_backward(d); ctx.sigma = sigma
        a = d.abs()
        return torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    @staticmethod
    def backward(ctx, g):
        (d,) = ctx.saved_tensors
        return g * d / ctx.sigma, None
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    _check(y_hat, y, sigma, reduction)
    loss = _H.apply(y_hat - y, sigma)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
