# expect: passed
"""Correct, written differently: one formula for both pieces. With q = min(|d|, sigma),
q * (|d| - q / 2) / sigma is d^2 / (2 sigma) inside the threshold and |d| - sigma / 2 beyond
it; nothing is squared beyond sigma, so huge residuals cannot overflow."""
import torch


def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if list(y_hat.shape) != list(y.shape):
        raise ValueError("shape mismatch")
    if not (isinstance(sigma, (int, float)) and sigma > 0):
        raise ValueError("sigma must be a positive number")
    reducers = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}
    if not isinstance(reduction, str) or reduction not in reducers:
        raise ValueError("reduction must be 'mean', 'sum' or 'none'")
    a = (y_hat - y).abs()
    q = a.clamp(max=sigma)
    loss = q * (a - q / 2) / sigma
    if loss.numel() == 0 and reduction == "sum":
        return loss.sum()
    return reducers[reduction](loss)
