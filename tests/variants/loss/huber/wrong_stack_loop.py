# expect: failed only empty_input
"""Element-wise Python loop with torch.stack: an empty input makes torch.stack([]) fail."""
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
    d = (y_hat - y).reshape(-1)
    parts = []
    for x in d:
        parts.append(x.abs() - sigma / 2 if x.abs() > sigma else x * x / (2 * sigma))
    loss = torch.stack(parts).reshape(y_hat.shape)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
