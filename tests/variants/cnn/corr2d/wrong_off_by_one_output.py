# expect: failed matches_cross_correlation_on_random_inputs, edge_detection_example
"""Off by one: the output is (h - k_h) x (w - k_w), so the last row and column of windows
are missing (range(h - k_h) instead of range(h - k_h + 1))."""
import math

import torch
from torch import nn


def corr2d(X, K):
    (h, w), (kh, kw) = X.shape, K.shape
    if kh > h or kw > w:
        raise ValueError("kernel does not fit")
    rows = []
    for i in range(h - kh):
        rows.append(torch.stack([(X[i:i + kh, j:j + kw] * K).sum() for j in range(w - kw)]))
    return torch.stack(rows)


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
    return w
