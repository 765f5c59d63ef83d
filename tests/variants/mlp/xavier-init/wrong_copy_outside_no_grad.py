# expect: failed parameter_keeps_requires_grad_without_history, init_weights_fills_linear_layers, deep_linear_stack_keeps_variance
"""Fills with tensor.copy_ outside torch.no_grad(): raises on a leaf Parameter that
requires grad."""
import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dimensions")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    noise = torch.rand(tensor.shape, dtype=tensor.dtype, device=tensor.device)
    tensor.copy_(noise * (2 * a) - a)
    return tensor


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    tensor.copy_(torch.randn_like(tensor) * std)
    return tensor


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
