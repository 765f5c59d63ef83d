# expect: passed
"""Correct, with the parameters the checks pass by position renamed (weight for tensor,
module for net), filling in place through weight.data as d2l's weight.data[:] += 1 does."""
import math

from torch import nn


def fan_in_and_fan_out(weight):
    shape = tuple(weight.shape)
    if len(shape) < 2:
        raise ValueError(f"no fans for shape {shape}")
    receptive = math.prod(shape[2:])
    return int(shape[1] * receptive), int(shape[0] * receptive)


def xavier_uniform_(weight, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(weight)
    bound = gain * math.sqrt(3.0) * math.sqrt(2.0 / (fan_in + fan_out))
    weight.data.uniform_(-bound, bound)
    return weight


def xavier_normal_(weight, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(weight)
    weight.data.normal_(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))
    return weight


def init_weights(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                m.bias.data[:] = 0
