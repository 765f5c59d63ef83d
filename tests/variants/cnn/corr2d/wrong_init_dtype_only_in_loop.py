# expect: failed only learn_kernel_returns_detached_kernel_in_x_dtype
"""Casts the kernel to X's dtype only inside the training loop: epochs = 0 returns a float32 kernel for a float64 X."""

import math
import torch
from torch import nn


def corr2d(X, K):
    h, w = X.shape
    k_h, k_w = K.shape
    if k_h > h or k_w > w:
        raise ValueError("kernel does not fit")
    Y = X.new_zeros((h - k_h + 1, w - k_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum()
    return Y


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None):
    k_h, k_w = kernel_size
    b = 1 / math.sqrt(k_h * k_w)
    w = ((2 * torch.rand(kernel_size, generator=generator) - 1) * b)
    w.requires_grad_(True)
    for _ in range(epochs):
        if w.dtype != X.dtype:
            w = w.detach().to(X.dtype).to(X.device).requires_grad_(True)
        loss = ((corr2d(X, w) - Y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    return w.detach()
