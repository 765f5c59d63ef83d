# expect: failed only learn_kernel_recovers_edge_kernel, learn_kernel_takes_gradient_steps
"""learn_kernel also trains a bias (nn.Conv2d's default bias=True), which moves the kernel's path."""

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
    w = ((2 * torch.rand(kernel_size, generator=generator) - 1) * b).to(X.dtype).to(X.device)
    w.requires_grad_(True)
    bias = torch.zeros(1, dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(epochs):
        loss = ((corr2d(X, w) + bias - Y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            bias -= lr * bias.grad
        w.grad.zero_()
        bias.grad.zero_()
    return w.detach()
