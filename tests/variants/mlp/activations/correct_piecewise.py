# expect: passed
"""Correct, written differently: a masked sigmoid on a float64 copy cast back, tanh from its own
stable form (sign(x) * (1 - e^{-2|x|}) / (1 + e^{-2|x|})), relu by clamp."""
import torch


def sigmoid(x):
    xd = x.double()
    neg = xd < 0
    e = torch.exp(torch.where(neg, xd, -xd))     # e^{-|x|}
    out = torch.where(neg, e / (1 + e), 1 / (1 + e))
    return out.to(x.dtype)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s - s * s


def relu(x):
    return torch.clamp(x, min=0)


def relu_grad(x):
    return torch.where(x > 0, torch.ones_like(x), torch.zeros_like(x))


def tanh(x):
    xd = x.double()
    e = torch.exp(-2 * torch.where(xd < 0, -xd, xd))
    return (torch.where(xd < 0, -(1 - e), 1 - e) / (1 + e)).to(x.dtype)


def tanh_grad(x):
    t = tanh(x)
    return (1 - t) * (1 + t)


def scaled_sigmoid(x):
    return 4.0 * sigmoid(x) - 2.0
