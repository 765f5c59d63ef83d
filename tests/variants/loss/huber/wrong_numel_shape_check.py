# expect: failed only shape_mismatch_raises
"""Shape check compares numel only, then reshapes y to y_hat's shape as d2l's squared_loss."""
import torch
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if y_hat.numel() != y.numel():
        raise ValueError("shape")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    if not sigma > 0:
        raise ValueError("sigma")
    d = y_hat - y.reshape(y_hat.shape)
    a = d.abs()
    loss = torch.where(a > sigma, a - sigma / 2, d * d / (2 * sigma))
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.numel()
