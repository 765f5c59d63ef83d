# expect: failed parameter_keeps_requires_grad_without_history, init_weights_keeps_the_same_parameters
"""Switches requires_grad off to fill the Parameter and never switches it back on."""
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
    tensor.requires_grad_(False)
    tensor.uniform_(-a, a)
    return tensor


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    tensor.requires_grad_(False)
    tensor.normal_(0.0, std)
    return tensor


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
