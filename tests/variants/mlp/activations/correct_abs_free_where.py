# expect: passed
"""|x| written as torch.where(x < 0, -x, x) (slope 1 at 0), sigmoid_grad = e^{-|x|} / (1 + e^{-|x|})^2, relu by clamp, relu_grad by masked_fill, tanh_grad = 4 sigmoid_grad(2x)."""

import torch


def sigmoid(x):
    # sigmoid(x) = (1 + tanh(x/2)) / 2, tanh from exp(-2|x|) with sign via where, abs-free
    neg = x < 0
    a = torch.where(neg, -x, x)          # |x| without torch.abs (gradient -1/+1, 1 at 0)
    z = torch.exp(-a)
    s_pos = 1 / (1 + z)
    return torch.where(neg, 1 - s_pos, s_pos)


def sigmoid_grad(x):
    z = torch.exp(-torch.where(x < 0, -x, x))
    return z / (1 + z) ** 2


def relu(x):
    return x.clamp(min=0)


def relu_grad(x):
    return torch.ones_like(x).masked_fill(x <= 0, 0)


def tanh(x):
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x):
    return 4 * sigmoid_grad(2 * x)


def scaled_sigmoid(x):
    return 4 * (sigmoid(x) - 0.5)
