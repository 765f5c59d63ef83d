# expect: passed
"""Correct, written differently: the update goes through p.detach(), an alias of p's memory outside autograd (no no_grad block)."""
import torch


def squared_loss(y_hat, y):
    return torch.square(y_hat - y.view_as(y_hat)).mul(0.5)


def sgd_(params, lr, batch_size):
    for p in params:
        alias = p.detach()           # shares p's memory, outside autograd
        alias.sub_(p.grad, alpha=lr / batch_size)
        p.grad.detach_().zero_()
