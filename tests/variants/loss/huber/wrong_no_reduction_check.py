# expect: failed only invalid_reduction_raises
"""Any unknown reduction falls back to the mean instead of raising."""

import torch

_REDUCTIONS = ("mean", "sum", "none")


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, sigma: float = 1.0,
               reduction: str = "mean") -> torch.Tensor:
    if tuple(y_hat.shape) != tuple(y.shape):
        # Broadcasting (n, 1) against (n,) would silently build an (n, n) loss.
        raise ValueError(f"y_hat has shape {tuple(y_hat.shape)} but y has {tuple(y.shape)}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    d = y_hat - y
    a = torch.abs(d)
    # torch.where picks a piece per element; d^2 may overflow to inf for huge residuals, but
    # only in the piece that is not selected, and its gradient there is 0 * d = 0, not NaN.
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    total = loss.sum()
    return total if reduction == "sum" else total / loss.numel()
