# expect: failed golden_values, matches_smooth_l1_with_beta_sigma
"""torch.nn.HuberLoss's delta form, 0.5 d^2 inside and sigma (|d| - sigma/2) outside: the
semantic trap; it agrees with d2l only at sigma = 1."""

import torch

_REDUCTIONS = ("mean", "sum", "none")


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, sigma: float = 1.0,
               reduction: str = "mean") -> torch.Tensor:
    if tuple(y_hat.shape) != tuple(y.shape):
        # Broadcasting (n, 1) against (n,) would silently build an (n, n) loss.
        raise ValueError(f"y_hat has shape {tuple(y_hat.shape)} but y has {tuple(y.shape)}")
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    d = y_hat - y
    a = torch.abs(d)
    # torch.where picks a piece per element; d^2 may overflow to inf for huge residuals, but
    # only in the piece that is not selected, and its gradient there is 0 * d = 0, not NaN.
    loss = torch.where(a > sigma, sigma * (a - sigma / 2), 0.5 * d * d)
    if reduction == "none":
        return loss
    total = loss.sum()
    return total if reduction == "sum" else total / loss.numel()
