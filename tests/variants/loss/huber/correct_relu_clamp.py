# expect: passed
"""Correct, written differently: q = min(|d|, sigma); l = q^2 / (2 sigma) + relu(|d| - sigma)."""
import torch
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if list(y_hat.size()) != list(y.size()):
        raise ValueError("shapes differ")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if sigma <= 0:
        raise ValueError("sigma")
    a = (y_hat - y).abs()
    q = a.clamp(max=sigma)
    loss = q * q / (2 * sigma) + torch.relu(a - sigma)
    return {"none": lambda: loss, "sum": loss.sum,
            "mean": lambda: loss.sum().div(loss.numel())}[reduction]()
