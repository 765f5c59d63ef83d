# expect: failed only keeps_dtype_and_device[float16], keeps_dtype_and_device[bfloat16]
"""Draws half-precision weights in float32 (an old workaround for CPU half kernels) and
stores the float32 draws with tensor.data = ...: a float16 or bfloat16 weight comes back as
float32. Everything else is right."""
import math

import torch
from torch import nn

_HALF = (torch.float16, torch.bfloat16)


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("need (out, in, *kernel)")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor, draw):
    with torch.no_grad():
        if tensor.dtype in _HALF:
            tensor.data = draw(torch.empty(tensor.shape, device=tensor.device))
        else:
            draw(tensor)
    return tensor


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, lambda t: t.uniform_(-a, a))


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, lambda t: t.normal_(0.0, std))


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
