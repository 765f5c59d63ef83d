# expect: passed
"""Correct, written differently: requires_grad switched off around an in-place addcmul_, grad.mul_(0)."""
import torch


def squared_loss(y_hat, y):
    diff = y_hat - torch.reshape(y, tuple(y_hat.shape))
    return 0.5 * diff * diff


def sgd_(params, lr, batch_size):
    step = lr / batch_size
    for p in params:
        p.requires_grad_(False)
        p.addcmul_(p.grad, torch.full_like(p, -step))
        p.requires_grad_(True)
        p.grad.mul_(0)
