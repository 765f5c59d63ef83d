# expect: passed
"""d2l's own algorithm: a double loop over the output positions filling a buffer (made in X's
dtype and device), d2l's Conv2D, and d2l's training loop (zero the gradient, backward on the
summed squared error, update the weight's data in place) on a kernel Parameter trained with
corr2d instead of nn.Conv2d."""
import math

import torch
from torch import nn


def corr2d(X, K):
    h, w = K.shape
    if h > X.shape[0] or w > X.shape[1]:
        raise ValueError("kernel does not fit")
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=X.dtype, device=X.device)
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
    init = torch.empty(kernel_size).uniform_(-bound, bound, generator=generator)
    weight = nn.Parameter(init.to(X.dtype).to(X.device))
    for i in range(epochs):
        Y_hat = corr2d(X, weight)
        l = (Y_hat - Y) ** 2
        weight.grad = None
        l.sum().backward()
        weight.data[:] -= lr * weight.grad
    return weight.detach()
