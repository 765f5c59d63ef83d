# expect: failed only loss_keeps_dtype_and_device
"""Copies the loss into torch.empty(shape), a buffer of the default dtype (float32)."""
"""Reference solution for exercises/torch/autograd_sgd.py."""

import torch


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # Reshape y to y_hat's shape first: (n, 1) - (n,) would broadcast to (n, n).
    # No reduction here: the training loop decides (l.sum().backward()).
    out = torch.empty(y_hat.shape, device=y_hat.device)
    out.copy_((y_hat - y.reshape(y_hat.shape)) ** 2 / 2)
    return out


def sgd_(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    # no_grad: the update itself must not be recorded by autograd (and an in-place change of
    # a leaf that requires grad is refused outside no_grad).
    with torch.no_grad():
        for param in params:
            # In place, so the tensor objects (the model's parameters) stay the same. The
            # loss was summed over the minibatch, so dividing by batch_size makes the step
            # that of the mean loss.
            param -= lr * param.grad / batch_size
            # Gradients accumulate across backward() calls: clear them for the next batch.
            param.grad.zero_()
