# expect: failed only tanh_stable_for_large_inputs
"""tanh as the textbook ratio (1 - e^{-2x}) / (1 + e^{-2x}): x = -1000 gives -inf / inf = NaN."""
import torch


def _sig(x):
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, 1 / (1 + torch.exp(-torch.clamp(x, min=0))), e / (1 + e))


def sigmoid(x):
    return _sig(x)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x):
    return (x > 0).to(x.dtype)


def tanh(x):
    e = torch.exp(-2 * x)
    return (1 - e) / (1 + e)


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
