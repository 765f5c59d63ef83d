# expect: failed sigmoid_values
"""Calls torch.sigmoid, the very function the exercise asks for."""
import torch


def _sig(x):
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, 1 / (1 + torch.exp(-torch.clamp(x, min=0))), e / (1 + e))


def sigmoid(x):
    return torch.sigmoid(x)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x):
    return (x > 0).to(x.dtype)


def tanh(x):
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
