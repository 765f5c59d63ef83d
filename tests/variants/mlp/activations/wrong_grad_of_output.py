# expect: failed sigmoid_grad_values, sigmoid_stable_for_large_inputs
"""sigmoid_grad applies s (1 - s) to its argument as if it were already sigmoid(x)."""
import torch


def _sig(x):
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, 1 / (1 + torch.exp(-torch.clamp(x, min=0))), e / (1 + e))


def sigmoid(x):
    return _sig(x)


def sigmoid_grad(x):
    return x * (1 - x)


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
