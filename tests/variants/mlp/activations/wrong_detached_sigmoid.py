# expect: failed only activations_are_differentiable, scaled_sigmoid_is_identity_near_zero
"""sigmoid goes through numpy, so nothing built on it is connected to x in the autograd graph."""
import torch


def _sig(x):
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, 1 / (1 + torch.exp(-torch.clamp(x, min=0))), e / (1 + e))


def sigmoid(x):
    import numpy as np
    a = x.detach().cpu().double().numpy()
    out = np.where(a >= 0, 1 / (1 + np.exp(-np.clip(a, 0, None))), np.exp(np.clip(a, None, 0)) / (1 + np.exp(np.clip(a, None, 0))))
    return torch.from_numpy(out).to(x.dtype).to(x.device)


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
