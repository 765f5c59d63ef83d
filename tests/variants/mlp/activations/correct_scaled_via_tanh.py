# expect: passed
"""scaled_sigmoid as 2 tanh(x / 2), equal to 4 sigmoid(x) - 2."""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # Never exponentiate a positive number: for x >= 0 use 1 / (1 + e^{-x}), for x < 0 the
    # equal form e^{x} / (1 + e^{x}). Both branches are finite everywhere (torch.where
    # evaluates both, and an inf in the unused one would turn its gradient into NaN). The
    # clamps pass the gradient 1 at x = 0, so autograd's slope at 0 stays 1/4.
    pos = 1.0 / (1.0 + torch.exp(-torch.clamp(x, min=0)))
    e = torch.exp(torch.clamp(x, max=0))
    neg = e / (1.0 + e)
    return torch.where(x >= 0, pos, neg)


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
    return 2 * tanh(x / 2)

