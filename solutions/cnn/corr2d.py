"""Reference solution for exercises/cnn/corr2d.py."""

import math

import torch
from torch import nn


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    h, w = X.shape
    k_h, k_w = K.shape
    if k_h > h or k_w > w:
        # d2l's loop would silently return an empty tensor; a kernel that fits nowhere is a
        # caller's mistake.
        raise ValueError(f"kernel {(k_h, k_w)} is larger than the input {(h, w)}")
    # Tensor.unfold cuts every k_h x k_w window out of X (a view, no copy): the result has
    # shape (h - k_h + 1, w - k_w + 1, k_h, k_w). Multiplying by K (not flipped: this is a
    # cross-correlation) and summing the window dimensions gives every output at once, in
    # X's dtype and device, and autograd sees ordinary tensor operations.
    windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)
    return (windows * K).sum(dim=(-2, -1))


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        # The weights are learned; the kernel size is the hyper-parameter.
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return corr2d(x, self.weight) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None):
    k_h, k_w = kernel_size
    # nn.Conv2d's default init (kaiming_uniform with a = sqrt(5)) is U(-b, b) with
    # b = 1 / sqrt(fan_in), and fan_in = k_h * k_w for one input channel. It is drawn on the
    # CPU (a CPU generator cannot draw on another device) and then moved.
    bound = 1.0 / math.sqrt(k_h * k_w)
    u = torch.rand((k_h, k_w), generator=generator)
    w = ((2.0 * u - 1.0) * bound).to(dtype=X.dtype, device=X.device)
    for _ in range(epochs):
        w.requires_grad_(True)
        loss = ((corr2d(X, w) - Y) ** 2).sum()   # d2l sums the squared error
        (grad,) = torch.autograd.grad(loss, w)
        # A fresh tensor each step: no gradient accumulates, nothing is written in place.
        w = (w - lr * grad).detach()
    return w.detach()
