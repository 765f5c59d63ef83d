# expect: failed only keeps_shape_dtype_and_device[float64], keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
"""sigmoid computes in x.float() and returns float32 for every input dtype."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    x = x.float()
    pos = 1.0 / (1.0 + torch.exp(-torch.clamp(x, min=0)))
    e = torch.exp(torch.clamp(x, max=0))
    return torch.where(x >= 0, pos, e / (1.0 + e))


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1 - s)


def relu(x: torch.Tensor) -> torch.Tensor:
    # zeros_like keeps x's dtype and device (torch.zeros(x.shape) would be float32 on the CPU).
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    # x > 0 is False at 0: the left-hand derivative, as d2l takes it.
    return (x > 0).to(x.dtype)


def tanh(x: torch.Tensor) -> torch.Tensor:
    # tanh(x) = 2 sigmoid(2x) - 1 inherits sigmoid's stability; the textbook ratio
    # (1 - e^{-2x}) / (1 + e^{-2x}) is inf / inf = NaN for x = -1000.
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    t = tanh(x)
    return 1 - t * t


def scaled_sigmoid(x: torch.Tensor) -> torch.Tensor:
    # 4 sigmoid(x) - 2 = x - x^3/12 + ...: through the origin with slope 1, like tanh and relu.
    return 4 * sigmoid(x) - 2
