# expect: passed
"""Sums k_h * k_w shifted slices of X weighted by one kernel entry each; learn_kernel initialises a (1, 1, k_h, k_w) tensor with kaiming_uniform_ as nn.Conv2d does."""

import math
import torch
from torch import nn


def corr2d(X, K):
    if X.dim() != 2 or K.dim() != 2:
        raise ValueError("2-D only")
    (h, w), (kh, kw) = X.shape, K.shape
    oh, ow = h - kh + 1, w - kw + 1
    if oh < 1 or ow < 1:
        raise ValueError("kernel larger than input")
    # sum of shifted copies of X, each weighted by one kernel entry
    terms = [K[a, b] * X[a:a + oh, b:b + ow] for a in range(kh) for b in range(kw)]
    return torch.stack(terms).sum(0)


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(*kernel_size))
        self.register_parameter("bias", nn.Parameter(torch.zeros(1)))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None):
    w4 = torch.empty(1, 1, *kernel_size)
    nn.init.kaiming_uniform_(w4, a=math.sqrt(5), generator=generator)  # nn.Conv2d's default
    w = w4[0, 0].to(device=X.device, dtype=X.dtype).clone()
    X, Y = X.detach(), Y.detach()
    for _ in range(epochs):
        w.requires_grad_(True)
        Y_hat = corr2d(X, w)
        loss = (Y_hat - Y).pow(2).sum()
        loss.backward()
        w = w.detach() - lr * w.grad
    return w.detach()
