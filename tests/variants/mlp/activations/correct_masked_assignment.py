# expect: passed
"""each branch computed on its own elements only and written into empty_like / clone with boolean masks (autograd follows index assignment)."""

import torch


def sigmoid(x):
    out = torch.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + torch.exp(-x[pos]))
    e = torch.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_grad(x):
    s = sigmoid(x)
    return s - s * s


def relu(x):
    out = x.clone()
    out[x <= 0] = 0
    return out


def relu_grad(x):
    g = torch.zeros_like(x)
    g[x > 0] = 1
    return g


def tanh(x):
    out = torch.empty_like(x)
    pos = x >= 0
    e = torch.exp(-2 * x[pos])
    out[pos] = (1 - e) / (1 + e)
    e = torch.exp(2 * x[~pos])
    out[~pos] = (e - 1) / (e + 1)
    return out


def tanh_grad(x):
    t = tanh(x)
    return (1 - t) * (1 + t)


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
