# expect: passed
"""Correct, written differently: torch.nn.init's plain uniform_/normal_/zeros_ (allowed),
fans from numel, and a recursive walk over children."""
import math

import torch
from torch import nn
from torch.nn import init


def fan_in_and_fan_out(tensor):
    if tensor.ndim <= 1:
        raise ValueError("a weight needs (out, in, *kernel)")
    receptive = tensor[0][0].numel()
    return tensor.size(1) * receptive, tensor.size(0) * receptive


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6 / (fan_in + fan_out))
    return init.uniform_(tensor, -a, a)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return init.normal_(tensor, mean=0.0, std=gain * math.sqrt(2 / (fan_in + fan_out)))


def init_weights(net):
    if isinstance(net, (nn.Linear, nn.Conv2d)):
        xavier_uniform_(net.weight)
        if net.bias is not None:
            init.zeros_(net.bias)
    for child in net.children():
        init_weights(child)
