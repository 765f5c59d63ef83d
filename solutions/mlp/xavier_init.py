"""Reference solution for exercises/mlp/xavier_init.py."""

import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor: torch.Tensor) -> tuple[int, int]:
    if tensor.dim() < 2:
        raise ValueError(f"fan-in and fan-out need a weight with at least 2 dimensions, "
                         f"got shape {tuple(tensor.shape)}")
    # Every output unit of a convolution sees in_channels * kernel inputs, and every input
    # value feeds out_channels * kernel outputs: the kernel multiplies both fans.
    receptive_field = math.prod(tensor.shape[2:])
    num_outputs, num_inputs = tensor.shape[0], tensor.shape[1]
    return num_inputs * receptive_field, num_outputs * receptive_field


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    # U(-a, a) has variance a^2 / 3, so a = sqrt(3) * std with std^2 = 2 / (fan_in + fan_out).
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    # Filling a Parameter is not part of the model's computation: no autograd history.
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.normal_(0.0, std)
    return tensor


def init_weights(net: nn.Module) -> None:
    for module in net.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(module.weight)
            if module.bias is not None:
                with torch.no_grad():
                    module.bias.zero_()
