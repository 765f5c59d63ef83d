# expect: failed fills_in_place_and_returns_the_same_tensor, parameter_keeps_requires_grad_without_history, fills_a_non_contiguous_view_in_place
"""Returns a new tensor and leaves the argument unfilled."""
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
    return torch.empty_like(tensor).uniform_(-a, a)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return torch.randn_like(tensor) * std


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.weight.data = xavier_uniform_(m.weight.detach())
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
