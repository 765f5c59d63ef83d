# expect: failed sgd_step_is_lr_times_grad_over_batch_size, linear_regression_trains_like_d2l
"""Zeroes the gradient before using it, so the step moves nothing."""
"""Reference solution for exercises/torch/autograd_sgd.py."""

import torch


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # Reshape y to y_hat's shape first: (n, 1) - (n,) would broadcast to (n, n).
    # No reduction here: the training loop decides (l.sum().backward()).
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    # no_grad: the update itself must not be recorded by autograd (and an in-place change of
    # a leaf that requires grad is refused outside no_grad).
    with torch.no_grad():
        for param in params:
            # In place, so the tensor objects (the model's parameters) stay the same. The
            # loss was summed over the minibatch, so dividing by batch_size makes the step
            # that of the mean loss.
            param.grad.zero_()
            param -= lr * param.grad / batch_size
