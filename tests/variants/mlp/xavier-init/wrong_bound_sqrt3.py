# expect: failed uniform_has_xavier_variance, uniform_stays_within_and_fills_the_bound, init_weights_fills_linear_layers, deep_linear_stack_keeps_variance
"""Uniform bound sqrt(3 / (fan_in + fan_out)): half of Xavier's variance."""
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
    a = gain * math.sqrt(3.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.normal_(0.0, std)
    return tensor


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
