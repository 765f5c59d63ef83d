# expect: failed only scaled_sigmoid_values, scaled_sigmoid_is_identity_near_zero
"""2 sigmoid(x) - 1: through the origin, but with slope 1/2 (it is tanh(x/2)), not the
course's 4 sigmoid(x) - 2."""
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
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x):
    return 2 * sigmoid(x) - 1
