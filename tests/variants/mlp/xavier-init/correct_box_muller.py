# expect: passed
"""Correct, written differently: explicit loops for the fans, torch.rand scaled and copied in
under no_grad, a Box-Muller normal, and net.apply with a per-module function."""
import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor):
    shape = list(tensor.shape)
    if len(shape) < 2:
        raise ValueError(f"shape {shape} has no fan-in/fan-out")
    kernel = 1
    for size in shape[2:]:
        kernel *= int(size)
    return int(shape[1]) * kernel, int(shape[0]) * kernel


def _uniform_like(tensor):
    return torch.rand(tensor.shape, dtype=tensor.dtype, device=tensor.device)


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    with torch.no_grad():
        tensor.copy_(_uniform_like(tensor) * (2 * bound) - bound)
    return tensor


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * (2.0 / (fan_in + fan_out)) ** 0.5
    u1 = 1.0 - _uniform_like(tensor).double()  # in (0, 1]: log never sees 0
    u2 = _uniform_like(tensor).double()
    z = torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)
    with torch.no_grad():
        tensor.copy_((z * std).to(tensor.dtype))
    return tensor


def _init_one(m):
    if isinstance(m, nn.Linear) or isinstance(m, nn.Conv2d):
        xavier_uniform_(m.weight)
        if m.bias is not None:
            m.bias.data.fill_(0.0)


def init_weights(net):
    net.apply(_init_one)
