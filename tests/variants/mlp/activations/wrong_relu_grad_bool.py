# expect: failed only keeps_shape_dtype_and_device[float32], keeps_shape_dtype_and_device[float64], keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
"""relu_grad returns the bool mask x > 0 instead of 0s and 1s in x's dtype."""
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
    return x > 0


def tanh(x):
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x):
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
