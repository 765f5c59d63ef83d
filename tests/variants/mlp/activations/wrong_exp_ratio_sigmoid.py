# expect: failed sigmoid_stable_for_large_inputs, tanh_stable_for_large_inputs, scaled_sigmoid_values
"""sigmoid as e^x / (1 + e^x): x = 1000 gives inf / inf = NaN (and tanh inherits it)."""
import torch


def _sig(x):
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, 1 / (1 + torch.exp(-torch.clamp(x, min=0))), e / (1 + e))


def sigmoid(x):
    e = torch.exp(x)
    return e / (1 + e)


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
