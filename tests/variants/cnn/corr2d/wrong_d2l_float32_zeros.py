# expect: failed only keeps_dtype_and_device
"""d2l's loop with d2l's buffer, torch.zeros(...) without a dtype: float32 on the CPU whatever
X is, so a float64 or half-precision X comes back as float32."""
import math

import torch
from torch import nn


def corr2d(X, K):
    h, w = K.shape
    if h > X.shape[0] or w > X.shape[1]:
        raise ValueError("kernel does not fit")
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


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
