# expect: passed
"""Correct, with extra parameters that have defaults: an optional torch.Generator for the
fills (the global generator when None) and a gain for init_weights."""
import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor, kernel_dims_from=2):
    if tensor.dim() < 2:
        raise ValueError("a weight needs at least 2 dimensions")
    receptive = math.prod(tensor.shape[kernel_dims_from:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a, generator=generator)
    return tensor


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    with torch.no_grad():
        tensor.normal_(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)
    return tensor


def init_weights(net, gain=1.0):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight, gain)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
