# expect: passed
"""Correct, written differently: the quadratic piece everywhere, then the linear piece written
over the far elements with a boolean index (an in-place write on a fresh tensor)."""
import torch
def huber_loss(y_hat, y, sigma=1.0, reduction="mean"):
    if y_hat.shape != y.shape:
        raise ValueError("y_hat and y must have the same shape")
    if reduction not in {"mean", "sum", "none"} or type(reduction) is not str:
        raise ValueError("bad reduction")
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    d = y_hat - y
    loss = d * d / (2 * sigma)
    far = d.abs() > sigma
    loss[far] = d.abs()[far] - sigma / 2
    if reduction == "none":
        return loss
    s = loss.sum()
    return s if reduction == "sum" else s / max(loss.numel(), 1)
