# expect: passed
"""Written like d2l's squared_loss, `(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`: one expression
on the residual, here with torch.where picking the piece, and the departures the stub states
(a shape mismatch is an error, not a reshape; reductions and argument checks)."""
import torch


def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    """Huber loss."""
    if y_hat.shape != y.shape:
        raise ValueError("y_hat and y must have the same shape")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    d = y_hat - y
    l = torch.where(abs(d) > sigma, abs(d) - sigma / 2, d ** 2 / (2 * sigma))
    if reduction == "mean":
        return l.sum() / l.numel()
    if reduction == "sum":
        return l.sum()
    return l
