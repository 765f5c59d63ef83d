# expect: passed
"""Correct, written differently: view_as and torch.square for the loss; sub_ with alpha and
grad.fill_(0) for the step, under the no_grad decorator."""
import torch


def squared_loss(y_hat, y):
    diff = y_hat - y.view_as(y_hat) if y.is_contiguous() else y_hat - y.reshape(y_hat.shape)
    return 0.5 * torch.square(diff)


@torch.no_grad()
def sgd_(params, lr, batch_size):
    step = lr / batch_size
    for p in params:
        p.sub_(p.grad, alpha=step)
        p.grad.fill_(0.0)
