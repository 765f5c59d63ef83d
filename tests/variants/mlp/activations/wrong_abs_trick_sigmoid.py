# expect: failed scaled_sigmoid_is_identity_near_zero, activations_are_differentiable
"""the exp(-|x|) form of a stable sigmoid (and tanh): right values, but autograd's slope at x = 0 is 0."""

import torch


def sigmoid(x):
    z = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x):
    return (x > 0).to(x.dtype)


def tanh(x):
    e = torch.exp(-2 * torch.abs(x))
    t = (1 - e) / (1 + e)
    return torch.where(x >= 0, t, -t)


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
