# expect: failed does_not_modify_inputs, matches_cross_correlation_on_random_inputs
"""Loops over the kernel offsets and starts the sum from a *view* of X (out = X[:oh, :ow];
out *= K[0, 0]): the in-place product writes into X itself."""
import math

import torch
from torch import nn


def corr2d(X, K):
    (h, w), (kh, kw) = X.shape, K.shape
    if kh > h or kw > w:
        raise ValueError("kernel does not fit")
    oh, ow = h - kh + 1, w - kw + 1
    out = X[:oh, :ow]
    out *= K[0, 0]
    for a in range(kh):
        for b in range(kw):
            if a or b:
                out = out + X[a:a + oh, b:b + ow] * K[a, b]
    return out


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None):
    bound = 1 / math.sqrt(kernel_size[0] * kernel_size[1])
    w = ((2 * torch.rand(kernel_size, generator=generator) - 1) * bound).to(X.dtype).to(X.device)
    for _ in range(epochs):
        w.requires_grad_(True)
        (grad,) = torch.autograd.grad(((corr2d(X, w) - Y) ** 2).sum(), w)
        w = (w - lr * grad).detach()
    return w
