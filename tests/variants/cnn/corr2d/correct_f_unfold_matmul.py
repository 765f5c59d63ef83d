# expect: passed
"""im2col with torch.nn.functional.unfold and one matrix product; the kernel is learned with
a hand-written gradient of the summed squared error (2 * corr2d-of-the-residual)."""
import math

import torch
import torch.nn.functional as F
from torch import nn


def corr2d(X, K):
    (h, w), (kh, kw) = X.shape, K.shape
    if kh > h or kw > w:
        raise ValueError(f"kernel {(kh, kw)} larger than input {(h, w)}")
    cols = F.unfold(X.reshape(1, 1, h, w), (kh, kw))          # (1, kh*kw, L)
    out = K.reshape(1, -1) @ cols[0]                            # (1, L)
    return out.reshape(h - kh + 1, w - kw + 1)


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        kh, kw = kernel_size
        self.weight = nn.Parameter(torch.randn(kh, kw) * 0.1)
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None):
    kh, kw = kernel_size
    b = 1.0 / math.sqrt(kh * kw)
    w = (torch.rand(kh, kw, generator=generator) * (2 * b) - b).to(device=X.device, dtype=X.dtype)
    X = X.detach()
    for _ in range(epochs):
        R = corr2d(X, w) - Y                                   # residual
        # d/dw sum(R^2) = 2 * sum over windows of R[i, j] * X[i+a, j+b] = 2 corr2d(X, R)
        grad = 2 * corr2d(X, R)
        w = w - lr * grad
    return w.detach()
